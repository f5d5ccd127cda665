"""GCP pricers: one small function per priced or usage resource type of the price book.

Each reads what the component sent (camelCase inputs) and returns Infracost-style lines:
hourly items x 730 h, monthly items x their count. Usage-based types are in `gcp_usage`;
`PRICERS` maps every priced and usage type to its pricer.

The serving capability creates its Vertex AI endpoint empty: the CI/CD deploy step deploys
each approved model to it, with the machine type and replica counts of the serving options.
Those prediction nodes are what the endpoint costs, so they are priced on it, from the
blueprint's options (pulumi-gcp has no resource for a deployed model).

The scheduled pipeline runs are priced on the Cloud Scheduler job that starts them: the job
itself, the runs' execution fee (counted from the schedule), and their compute from the
blueprint's usage (training_hours for the training pipeline, monitoring_hours for the drift
check). Offline the run's request names a project known only after `up`, so the training
machine type is read from the training options the request is built from.
"""

from __future__ import annotations

import re
from decimal import Decimal

from opsblocks.cost.estimate import Context, Pricer, count
from opsblocks.cost.gcp_usage import USAGE, run_parameter, scheduled_runs
from opsblocks.cost.model import HOURS_PER_MONTH, Kind, Line
from opsblocks.errors import CostError
from opsblocks.model import Capability
from opsblocks.preview import Resource

ONE = Decimal(1)
SECONDS_PER_DAY = 86_400
# Workbench instances' documented disk sizes when the instance names none, in GB.
WORKBENCH_BOOT_DISK_GB, WORKBENCH_DATA_DISK_GB = 150, 100
# The disk type Workbench proposes; the API documents no default of its own.
WORKBENCH_DISK_TYPE = "PD_BALANCED"
# Pipeline steps that name no machine (the drift check's) run on Vertex AI's default one.
DEFAULT_STEP_MACHINE = "e2-standard-4"
# Cloud SQL dedicated-core tiers: db-custom-<vCPUs>-<memory in MB>; 10 GB of SSD when none is set.
SQL_CUSTOM_TIER = re.compile(r"db-custom-([0-9]+)-([0-9]+)")
SQL_DEFAULT_DISK_GB = 10
# GKE regional node pools run in the region's zones: three, unless the pool names others.
GKE_ZONES = 3
GKE_DISK_GB = 100


# -- priced while they exist ----------------------------------------------------------------


def crypto_key(resource: Resource, context: Context) -> list[Line]:
    """One active key version; each rotation adds one, which stays billed until destroyed."""
    period = str(resource.inputs.get("rotationPeriod", "")).removesuffix("s")
    rotation = f", +1 every {int(period) // SECONDS_PER_DAY} days" if period.isdigit() else ""
    name = f"Key versions (1 active{rotation})"
    return [context.line(name, Kind.monthly, "kms-key-version", "software", ONE)]


def ai_endpoint(resource: Resource, context: Context) -> list[Line]:
    """The prediction nodes of the models the CI/CD deploy step puts behind the endpoint."""
    serving = context.options(Capability.serving)
    if serving is None or not hasattr(serving, "machine_type"):
        raise CostError("cannot read the endpoint's machine type from the serving options")
    machine, replicas = serving.machine_type, count(getattr(serving, "min_replicas", 1))
    name = f"Prediction nodes (models deployed by CI/CD): {replicas} x {machine}"
    quantity = replicas * HOURS_PER_MONTH
    return [context.line(name, Kind.hourly, "vertex-prediction", machine, quantity)]


def workbench_instance(resource: Resource, context: Context) -> list[Line]:
    """The notebook VM around the clock (it has no idle shutdown), and its two disks."""
    setup = resource.inputs.get("gceSetup") or {}
    machine = setup.get("machineType")
    if not isinstance(machine, str):
        raise CostError("the Workbench instance's machine type is unknown")
    boot, data = setup.get("bootDisk") or {}, setup.get("dataDisks") or {}
    boot_gb = count(boot.get("diskSizeGb"), WORKBENCH_BOOT_DISK_GB)
    data_gb = count(data.get("diskSizeGb"), WORKBENCH_DATA_DISK_GB)
    types = {str(d.get("diskType") or WORKBENCH_DISK_TYPE) for d in (boot, data)}
    if len(types) != 1:
        raise CostError(f"Workbench disks of different types ({', '.join(sorted(types))})")
    disk = types.pop().lower().replace("_", "-")
    return [
        context.line(f"VM ({machine}, always on)", Kind.hourly, "workbench-vm", machine,
                     HOURS_PER_MONTH),
        context.line(f"Disks ({boot_gb} GB boot + {data_gb} GB data, {disk})", Kind.monthly,
                     "persistent-disk", disk, boot_gb + data_gb),
    ]  # fmt: skip


def alert_policy(resource: Resource, context: Context) -> list[Line]:
    conditions = Decimal(len(resource.inputs.get("conditions") or []) or 1)
    name = f"Alert conditions ({conditions})"
    return [context.line(name, Kind.monthly, "cloud-monitoring-alerting", "condition", conditions)]


def scheduler_job(resource: Resource, context: Context) -> list[Line]:
    """The job; for the training and drift-check schedules, the pipeline runs it starts."""
    lines = [context.line("Scheduler job", Kind.monthly, "cloud-scheduler", "job", ONE)]
    capability = context.capabilities[resource.urn]
    if capability not in (Capability.training, Capability.monitoring):
        return lines
    schedule, runs = scheduled_runs(resource)
    lines.append(context.line(f"Pipeline runs ({runs} a month on '{schedule}')", Kind.monthly,
                              "vertex-pipelines-run", "run", runs))  # fmt: skip
    if capability == Capability.training:
        machine = _training_machine(resource, context)
        hours = context.assumption("training_hours")
        lines.append(context.line(f"Training jobs ({machine})", Kind.usage, "vertex-training",
                                  machine, hours, "training_hours"))  # fmt: skip
    else:
        hours = context.assumption("monitoring_hours")
        lines.append(context.line(f"Drift-check jobs ({DEFAULT_STEP_MACHINE})", Kind.usage,
                                  "vertex-training", DEFAULT_STEP_MACHINE, hours,
                                  "monitoring_hours"))  # fmt: skip
    return lines


def gke_cluster(resource: Resource, context: Context) -> list[Line]:
    """The management fee, the same in both modes. An Autopilot cluster has no node pools: it
    bills the vCPU and memory its pods request, which no usage assumption covers."""
    lines = [context.line("Cluster management fee", Kind.hourly, "gke-cluster", "standard",
                          HOURS_PER_MONTH)]  # fmt: skip
    if resource.inputs.get("enableAutopilot") is True:
        lines += [
            context.line("Autopilot pods: vCPU requested", Kind.usage, "gke-autopilot", "vcpu",
                         None),
            context.line("Autopilot pods: memory requested", Kind.usage,
                         "gke-autopilot-memory", "memory-gb", None),
        ]  # fmt: skip
    return lines


def gke_node_pool(resource: Resource, context: Context) -> list[Line]:
    """The pool's fewest nodes (a fixed count per zone, or the autoscaler's total minimum)
    around the clock, and their boot disks."""
    config = resource.inputs.get("nodeConfig") or {}
    machine = config.get("machineType")
    if not isinstance(machine, str):
        raise CostError("the node pool's machine type is unknown")
    zones = len(resource.inputs.get("nodeLocations") or ()) or GKE_ZONES
    scaling = resource.inputs.get("autoscaling")
    if scaling:
        nodes = count(scaling.get("totalMinNodeCount"), 0)
        what = f"{nodes} x {machine}, the autoscaler's minimum"
    else:
        nodes = count(resource.inputs.get("nodeCount")) * zones
        what = f"{nodes} x {machine}, in {zones} zones"
    disk_gb = count(config.get("diskSizeGb"), GKE_DISK_GB)
    disk = str(config.get("diskType") or "pd-balanced")
    return [
        context.line(f"Nodes ({what})", Kind.hourly, "gke-node", machine,
                     nodes * HOURS_PER_MONTH),
        context.line(f"Boot disks ({nodes} x {disk_gb} GB {disk})", Kind.monthly,
                     "persistent-disk", disk, nodes * disk_gb),
    ]  # fmt: skip


def _training_machine(resource: Resource, context: Context) -> str:
    """The run's machine_type parameter when the preview knows the request, else the
    training options it is built from."""
    body = (resource.inputs.get("httpTarget") or {}).get("body")
    known = run_parameter(body, "machine_type")
    if isinstance(known, str):
        return known
    training = context.options(Capability.training)
    if training is None or not hasattr(training, "machine_type"):
        raise CostError("cannot read the training machine type of the scheduled run")
    machine: str = training.machine_type
    return machine


def sql_instance(resource: Resource, context: Context) -> list[Line]:
    """Cloud SQL: vCPUs and memory (or a shared core) around the clock, the SSD, and backups by
    the GB they hold; a high-availability (REGIONAL) instance bills a standby of the same size."""
    settings = resource.inputs.get("settings") or {}
    tier = str(settings.get("tier") or "")
    copies = 2 if settings.get("availabilityType") == "REGIONAL" else 1
    standby = " x 2 (primary and standby)" if copies == 2 else ""
    hours = copies * HOURS_PER_MONTH
    custom = SQL_CUSTOM_TIER.fullmatch(tier)
    if custom:
        vcpus, memory_gb = Decimal(custom[1]), Decimal(custom[2]) / 1024
        lines = [
            context.line(f"vCPUs ({vcpus}){standby}", Kind.hourly, "cloud-sql", "vcpu",
                         vcpus * hours),
            context.line(f"Memory ({memory_gb.normalize():f} GB){standby}", Kind.hourly,
                         "cloud-sql-memory", "memory-gb", memory_gb * hours),
        ]  # fmt: skip
    elif tier in ("db-f1-micro", "db-g1-small"):
        lines = [context.line(f"Shared core ({tier}){standby}", Kind.hourly, "cloud-sql", tier,
                              Decimal(hours))]  # fmt: skip
    else:
        raise CostError(f"the Cloud SQL tier {tier!r} is not priced (db-custom-*, shared core)")
    disk = count(settings.get("diskSize"), SQL_DEFAULT_DISK_GB)
    return [
        *lines,
        context.line(f"SSD ({disk} GB){standby}", Kind.monthly, "cloud-sql-storage", "ssd",
                     disk * copies),
        context.line("Backups (GB kept)", Kind.usage, "cloud-sql-storage", "backup", None),
    ]  # fmt: skip


def secret(resource: Resource, context: Context) -> list[Line]:
    """One active version in each location it is replicated to (automatic: billed as one)."""
    replication = resource.inputs.get("replication") or {}
    replicas = (replication.get("userManaged") or {}).get("replicas") or [{}]
    locations = Decimal(len(replicas))
    name = f"Active version ({locations} location{'s' if locations > 1 else ''})"
    return [context.line(name, Kind.monthly, "secret-manager", "active-version", locations)]


PRICED: dict[str, Pricer] = {
    "gcp:kms/cryptoKey:CryptoKey": crypto_key,
    "gcp:vertex/aiEndpoint:AiEndpoint": ai_endpoint,
    "gcp:workbench/instance:Instance": workbench_instance,
    "gcp:monitoring/alertPolicy:AlertPolicy": alert_policy,
    "gcp:cloudscheduler/job:Job": scheduler_job,
    "gcp:sql/databaseInstance:DatabaseInstance": sql_instance,
    "gcp:secretmanager/secret:Secret": secret,
    "gcp:container/cluster:Cluster": gke_cluster,
    "gcp:container/nodePool:NodePool": gke_node_pool,
}

PRICERS: dict[str, Pricer] = PRICED | USAGE
