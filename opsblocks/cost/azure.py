"""Azure pricers: one small function per priced or usage resource type of the price book.

Each reads what the component sent (camelCase inputs) and returns Infracost-style lines:
hourly items x 730 h, per-day items x 30.4167 days (730 h / 24), monthly items x their count.
Usage-based types are in `azure_usage`; `PRICERS` maps every priced and usage type to its pricer.

Azure ML bills its compute at the Linux pay-as-you-go rate of the VM size, with no surcharge:
- a managed online deployment: instance count (`sku.capacity`) x 730 h;
- a managed online endpoint without a deployment in the blueprint (CI/CD deploys the model):
  the instances the serving options ask for, priced on the endpoint, as on the other clouds;
- a compute instance: around the clock, an upper bound (it stops when idle), as GCP prices
  its Workbench instances;
- a compute cluster: its minimum nodes around the clock (none when it scales to zero), and
  the platform's `usage.training_hours` on the training capability's cluster.
Low-priority nodes are priced at the dedicated rate: an upper bound.

An Azure ML registry costs nothing itself, but creates a container registry (and a storage
account) per region in a managed resource group: the registry is priced on it, at the SKU the
inputs name, else Premium (flagged as an estimate).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from opsblocks.cost.azure_usage import (
    DAYS_PER_MONTH,
    USAGE,
    dig,
    duration_days,
    duration_minutes,
    require,
)
from opsblocks.cost.estimate import Context, Pricer, count
from opsblocks.cost.model import HOURS_PER_MONTH, Kind, Line
from opsblocks.errors import CostError
from opsblocks.model import Capability
from opsblocks.preview import Resource

ONE = Decimal(1)
CENTS = Decimal("0.01")
VM = "azureml-vm"
AKS, AKS_NODE = "aks-cluster", "aks-node-vm"
AKS_OS_DISK, AKS_OUTBOUND, OS_DISK_TIER = "aks-node-os-disk", "aks-outbound", "P10"
COMPUTE = "azure-native:machinelearningservices:Compute"
ONLINE_DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment"
# What Azure ML creates for a registry region that names no system-created account of its own.
DEFAULT_REGISTRY_ACR, DEFAULT_REGISTRY_STORAGE = "Premium", "Standard_LRS"
LOG_ALERT_TIERS = ((1, "1-minute"), (5, "5-minute"), (10, "10-minute"))  # else 15-minute


# -- security, network ------------------------------------------------------------------------


def key(resource: Resource, context: Context) -> list[Line]:
    """A software key: its scheduled rotations, and its operations (usage)."""
    properties = resource.inputs.get("properties") or {}
    kty, size = str(properties.get("kty", "RSA")), properties.get("keySize")
    if kty.endswith("-HSM"):
        raise CostError(f"{kty} (HSM-protected) keys are not priced yet")
    basic = kty == "RSA" and count(size, 2048) == 2048
    algorithm = f"{kty} {count(size, 2048)}" if kty == "RSA" else kty
    lines = []
    every = _rotation_days(properties)
    if every is not None:
        rotations = (DAYS_PER_MONTH / every).quantize(CENTS)
        name = f"Scheduled rotations (every {every.normalize():f} days)"
        lines.append(context.line(name, Kind.monthly, "keyvault-rotation", "scheduled", rotations))
    operations = "software-rsa-2048" if basic else "software-advanced"
    lines.append(context.line(f"Key operations ({algorithm})", Kind.usage, "keyvault-operations",
                              operations, None))  # fmt: skip
    return lines


def _rotation_days(properties: dict[str, Any]) -> Decimal | None:
    """Days between the rotations the key's rotation policy schedules, if it has one."""
    for action in dig(properties, "rotationPolicy", "lifetimeActions") or []:
        if str(dig(action, "action", "type")).lower() == "rotate":
            days = duration_days(dig(action, "trigger", "timeAfterCreate"))
            if days is not None:
                return days
    return None


def private_endpoint(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Private endpoint", Kind.hourly, "private-endpoint", "endpoint",
                         HOURS_PER_MONTH)]  # fmt: skip


def workspace(resource: Resource, context: Context) -> list[Line]:
    """Azure ML itself is free; each private-endpoint outbound rule of its managed network is a
    private endpoint Azure creates (and bills) in that network. Service-tag rules are free."""
    rules = resource.inputs.get("managedNetwork", {}).get("outboundRules", {})
    endpoints = [n for n, rule in rules.items() if rule.get("type") == "PrivateEndpoint"]
    return [context.line(f"Managed private endpoint ({name})", Kind.hourly, "private-endpoint",
                         "endpoint", HOURS_PER_MONTH) for name in sorted(endpoints)]  # fmt: skip


def private_zone(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Hosted zone", Kind.monthly, "private-dns-zone", "zone", ONE)]


# -- registries -------------------------------------------------------------------------------


def container_registry(resource: Resource, context: Context) -> list[Line]:
    tier = require(dig(resource.inputs, "sku", "name"), "the container registry's SKU")
    return [_registry_days(f"Registry usage ({tier})", tier, context)]


def _registry_days(name: str, tier: str, context: Context) -> Line:
    return context.line(name, Kind.monthly, "container-registry", tier, DAYS_PER_MONTH)


def ml_registry(resource: Resource, context: Context) -> list[Line]:
    """The container registry and storage account Azure ML creates in each of its regions."""
    regions = resource.inputs.get("regionDetails") or dig(
        resource.inputs, "registryProperties", "regionDetails"
    )
    lines = []
    for region in regions or [{}]:  # none given: the registry's own region
        for acr in dig(region, "acrDetails") or [{}]:
            if "userCreatedAcrAccount" in acr:
                continue  # the user's registry, priced as its own resource
            tier = dig(acr, "systemCreatedAcrAccount", "acrAccountSku")
            named = f"System-created container registry ({tier or DEFAULT_REGISTRY_ACR}"
            line = _registry_days(f"{named}{'' if tier else ', assumed'})",
                                  tier or DEFAULT_REGISTRY_ACR, context)  # fmt: skip
            lines.append(line if tier else replace(line, estimate=True))
        for account in dig(region, "storageAccountDetails") or [{}]:
            if "userCreatedStorageAccount" in account:
                continue
            sku = dig(account, "systemCreatedStorageAccount", "storageAccountType")
            redundancy = str(sku or DEFAULT_REGISTRY_STORAGE).partition("_")[2]
            name = f"System-created storage (Hot {redundancy})"
            attribute = f"hot-{redundancy.lower()}"
            lines.append(context.line(name, Kind.usage, "blob-storage", attribute, None))
    return lines


# -- Azure ML compute -------------------------------------------------------------------------


def online_deployment(resource: Resource, context: Context) -> list[Line]:
    properties = (
        resource.inputs.get("properties") or resource.inputs.get("onlineDeploymentProperties") or {}
    )
    if properties.get("endpointComputeType") == "Kubernetes":
        raise CostError("Kubernetes online deployments are not priced yet")
    size = require(properties.get("instanceType"), "the online deployment's instance type")
    instances = count(dig(resource.inputs, "sku", "capacity"))
    name = f"Instances ({instances} x {size})"
    return [context.line(name, Kind.hourly, VM, size, instances * HOURS_PER_MONTH)]


def online_endpoint(resource: Resource, context: Context) -> list[Line] | None:
    """Free itself; without a deployment in its capability, the instances CI/CD will deploy."""
    capability = context.capabilities[resource.urn]
    deployments = context.graph.of_type(ONLINE_DEPLOYMENT)
    if any(context.capabilities[d.urn] == capability for d in deployments):
        return None  # priced on the deployment
    serving = context.options(Capability.serving)
    if serving is None or not hasattr(serving, "instance_type"):
        raise CostError("cannot read the endpoint's instance type from the serving options")
    size, instances = serving.instance_type, count(getattr(serving, "min_instances", 1))
    name = f"Instances (deployed by CI/CD): {instances} x {size}"
    return [context.line(name, Kind.hourly, VM, size, instances * HOURS_PER_MONTH)]


def compute(resource: Resource, context: Context) -> list[Line]:
    kind, settings = _compute(resource)
    size = require(settings.get("vmSize"), f"the {kind} VM size")
    if kind == "ComputeInstance":
        idle = duration_minutes(settings.get("idleTimeBeforeShutdown"))
        # Around the clock, an upper bound: it stops when idle, if it says so.
        stops = f"; it stops after {idle} idle min" if idle else ""
        return [context.line(f"VM ({size}, always on{stops})", Kind.hourly, VM, size,
                             HOURS_PER_MONTH)]  # fmt: skip
    if kind != "AmlCompute":
        raise CostError(f"{kind} compute is not priced yet")
    rate = " at the dedicated rate" if settings.get("vmPriority") == "LowPriority" else ""
    lines = []
    floor = count(dig(settings, "scaleSettings", "minNodeCount"), 0)
    if floor:
        lines.append(context.line(f"Minimum nodes ({floor} x {size}, always on{rate})",
                                  Kind.hourly, VM, size, floor * HOURS_PER_MONTH))  # fmt: skip
    if _training_cluster(resource, context):
        hours = context.assumption("training_hours")
        lines.append(context.line(f"Training jobs ({size}{rate})", Kind.usage, VM, size, hours,
                                  "training_hours"))  # fmt: skip
    else:
        lines.append(context.line(f"Jobs ({size}{rate})", Kind.usage, VM, size, None))
    return lines


def _compute(resource: Resource) -> tuple[str, dict[str, Any]]:
    """The compute's type (AmlCompute, ComputeInstance, ...) and its own properties."""
    properties = resource.inputs.get("properties") or {}
    kind = require(properties.get("computeType"), "the Azure ML compute type")
    settings = properties.get("properties")
    return kind, settings if isinstance(settings, dict) else {}


def _training_cluster(resource: Resource, context: Context) -> bool:
    """Whether usage.training_hours is priced here: on the training capability's first cluster
    (the first cluster when none is in the training capability)."""
    clusters = [c for c in context.graph.of_type(COMPUTE) if _compute(c)[0] == "AmlCompute"]
    chosen = min(clusters, key=lambda c: (context.capabilities[c.urn] != Capability.training,
                                          c.urn))  # fmt: skip
    return chosen.urn == resource.urn


# -- Kubernetes -------------------------------------------------------------------------------


def managed_cluster(resource: Resource, context: Context) -> list[Line]:
    """The tier's cluster-hours, and the nodes of the pools declared with the cluster."""
    tier = str(dig(resource.inputs, "sku", "tier") or "Free")
    lines = [context.line(f"Cluster management ({tier} tier)", Kind.hourly, AKS, tier,
                          HOURS_PER_MONTH)]  # fmt: skip
    for profile in resource.inputs.get("agentPoolProfiles") or []:
        lines += _nodes(str(profile.get("name", "pool")), profile, context)
    if dig(resource.inputs, "networkProfile", "outboundType") == "loadBalancer":
        lines += [context.line("Outbound load balancer", Kind.hourly, AKS_OUTBOUND,
                               "load-balancer", HOURS_PER_MONTH),
                  context.line("Outbound public IP", Kind.hourly, AKS_OUTBOUND, "public-ip",
                               HOURS_PER_MONTH)]  # fmt: skip
    kms = dig(resource.inputs, "securityProfile", "azureKeyVaultKms") or {}
    if kms.get("enabled") and kms.get("keyVaultNetworkAccess") == "Private":
        lines.append(context.line("Private endpoint to the KMS key vault", Kind.hourly,
                                  "private-endpoint", "endpoint", HOURS_PER_MONTH))  # fmt: skip
    return lines


def agent_pool(resource: Resource, context: Context) -> list[Line]:
    name = str(resource.inputs.get("agentPoolName") or resource.name)
    return _nodes(name, resource.inputs, context)


def _nodes(pool: str, settings: dict[str, Any], context: Context) -> list[Line]:
    """A pool's nodes: its fixed count, or its autoscaler's minimum around the clock and the
    nodes above it as usage."""
    size = require(settings.get("vmSize"), f"the VM size of node pool {pool}")
    scales = bool(settings.get("enableAutoScaling"))
    floor = count(settings.get("minCount") if scales else settings.get("count"), 0)
    lines = []
    if floor:
        lines.append(context.line(f"Nodes of {pool} ({floor} x {size}, always on)", Kind.hourly,
                                  AKS_NODE, size, floor * HOURS_PER_MONTH))  # fmt: skip
        lines.append(context.line(f"OS disks of {pool} ({floor} x {OS_DISK_TIER})", Kind.monthly,
                                  AKS_OS_DISK, OS_DISK_TIER, Decimal(floor)))  # fmt: skip
    if scales:
        lines.append(context.line(f"Nodes of {pool} added by the autoscaler ({size})",
                                  Kind.usage, AKS_NODE, size, None))  # fmt: skip
    return lines


# -- monitoring -------------------------------------------------------------------------------


def metric_alert(resource: Resource, context: Context) -> list[Line] | None:
    """Per monitored time series: scopes x each criterion's dimension values."""
    if resource.inputs.get("enabled") is False:
        return None
    scopes = Decimal(len(resource.inputs.get("scopes") or []) or 1)
    criteria = [c for c in dig(resource.inputs, "criteria", "allOf") or [] if isinstance(c, dict)]
    series = [scopes * _dimension_series(c) for c in criteria] or [scopes]
    dynamic = sum((s for s, c in zip(series, criteria, strict=False) if _dynamic(c)), Decimal(0))
    total = sum(series, Decimal(0))
    lines = [context.line(f"Metrics monitoring ({total} time series)", Kind.monthly,
                          "metric-alert", "time-series", total)]  # fmt: skip
    if dynamic:
        name = f"Dynamic threshold monitoring ({dynamic} time series)"
        lines.append(context.line(name, Kind.monthly, "metric-alert", "dynamic-threshold",
                                  dynamic))  # fmt: skip
    return lines


def _dynamic(criterion: dict[str, Any]) -> bool:
    return criterion.get("criterionType") == "DynamicThresholdCriterion"


def _dimension_series(criterion: dict[str, Any]) -> Decimal:
    """The time series one criterion watches on one scope: the product, over its dimensions,
    of the values each names (a dimension repeated adds values; `*` counts as one)."""
    values: dict[str, set[str]] = {}
    for dimension in criterion.get("dimensions") or []:
        named = values.setdefault(str(dig(dimension, "name")), set())
        named.update(str(v) for v in dig(dimension, "values") or [])
    series = Decimal(1)
    for named in values.values():
        series *= len(named) or 1
    return series


def scheduled_query_rule(resource: Resource, context: Context) -> list[Line] | None:
    if resource.inputs.get("enabled") is False:
        return None
    frequency = resource.inputs.get("evaluationFrequency")
    minutes = duration_minutes(frequency)
    if minutes is None:
        raise CostError(f"cannot read the log alert's evaluation frequency {frequency!r}")
    tier = next((t for limit, t in LOG_ALERT_TIERS if minutes <= limit), "15-minute")
    rate = "" if tier == f"{minutes}-minute" else f", billed at the {tier} rate"
    name = f"Log alert rule (evaluated every {minutes} minutes{rate})"
    return [context.line(name, Kind.monthly, "log-alert", tier, ONE)]


# -- databases --------------------------------------------------------------------------------


def postgres_server(resource: Resource, context: Context) -> list[Line]:
    """Compute by size and storage, both twice with a zone-redundant standby; backups beyond
    the provisioned size are usage."""
    size = require(dig(resource.inputs, "sku", "name"), "the PostgreSQL server's size")
    gb = count(dig(resource.inputs, "storage", "storageSizeGB"), 32)
    copies = (
        2
        if dig(resource.inputs, "highAvailability", "mode") in ("ZoneRedundant", "SameZone")
        else 1
    )
    standby = " with its standby" if copies == 2 else ""
    return [
        context.line(f"Compute ({copies} x {size}{standby})", Kind.hourly,
                     "postgres-flexible-compute", size, copies * HOURS_PER_MONTH),
        context.line(f"Storage ({copies} x {gb} GB)", Kind.monthly, "postgres-flexible-storage",
                     "storage", Decimal(copies * gb)),
        context.line("Additional backup storage", Kind.usage, "postgres-flexible-storage",
                     "backup", None),
    ]  # fmt: skip


PRICED: dict[str, Pricer] = {
    "azure-native:dbforpostgresql:Server": postgres_server,
    "azure-native:keyvault:Key": key,
    "azure-native:network:PrivateEndpoint": private_endpoint,
    "azure-native:machinelearningservices:Workspace": workspace,
    "azure-native:privatedns:PrivateZone": private_zone,
    "azure-native:network:PrivateZone": private_zone,
    "azure-native:containerregistry:Registry": container_registry,
    "azure-native:machinelearningservices:Registry": ml_registry,
    ONLINE_DEPLOYMENT: online_deployment,
    "azure-native:machinelearningservices:OnlineEndpoint": online_endpoint,
    COMPUTE: compute,
    "azure-native:monitor:MetricAlert": metric_alert,
    "azure-native:monitor:ScheduledQueryRule": scheduled_query_rule,
    "azure-native:containerservice:ManagedCluster": managed_cluster,
    "azure-native:containerservice:AgentPool": agent_pool,
}

PRICERS: dict[str, Pricer] = PRICED | USAGE
