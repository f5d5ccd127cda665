"""AWS pricers: one small function per priced or usage resource type of the price book.

Each reads what the component sent (camelCase inputs) and returns Infracost-style lines:
hourly items x 730 h, monthly items x their count. Usage-based types are in `aws_usage`;
`PRICERS` maps every priced and usage type to its pricer.

The serving capability always writes its deploy settings to an SSM parameter; a blueprint
without a model gets its endpoint from the CI/CD deploy stage, so that parameter carries what
the endpoint will cost (once: not when the blueprint deploys the endpoint itself). Offline,
its JSON value names a role known only after `up`; the serving options it is built from are
read instead.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from opsblocks.cost.aws_usage import HOURS, ONE, USAGE, times
from opsblocks.cost.estimate import Context, Pricer, count
from opsblocks.cost.model import Kind, Line
from opsblocks.errors import CostError
from opsblocks.model import Capability
from opsblocks.preview import Resource

ENDPOINT_CONFIGURATION = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
SERVING_PARAMETER = re.compile(r"^/opsblocks/[^/]+/serving$")
HIGH_RESOLUTION_BELOW_SECONDS = 60
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EKS_DEFAULT_DISK_GB = Decimal(20)


# -- priced while they exist ----------------------------------------------------------------


def kms_key(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Customer-managed key", Kind.monthly, "kms-key", "customer-managed", ONE)]


def vpc_endpoint(resource: Resource, context: Context) -> list[Line] | None:
    kind = resource.inputs.get("vpcEndpointType", "Gateway")
    if kind == "Gateway":
        return None  # S3 and DynamoDB gateway endpoints are free
    if kind != "Interface":
        raise CostError(f"{kind} VPC endpoints are not priced yet")
    subnets = resource.inputs.get("subnetIds")
    zones = Decimal(len(subnets)) if isinstance(subnets, list) else None
    name = f"Endpoint hours ({zones or 'unknown'} AZs)"
    return [
        context.line(name, Kind.hourly, "vpc-interface-endpoint", "per-az", times(zones, HOURS))
    ]


def nat_gateway(resource: Resource, context: Context) -> list[Line]:
    return [
        context.line("NAT gateway", Kind.hourly, "nat-gateway", "gateway", HOURS),
        context.line("Data processed by the NAT gateway", Kind.usage, "nat-gateway-data",
                     "processed", None),
    ]  # fmt: skip


def elastic_ip(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Public IPv4 address", Kind.hourly, "public-ipv4", "address", HOURS)]


def metric_alarm(resource: Resource, context: Context) -> list[Line]:
    """Per alarm metric; high resolution when any metric is checked more often than 60 s."""
    queries = [q for q in resource.inputs.get("metricQueries") or [] if isinstance(q, dict)]
    metrics = [q["metric"] for q in queries if isinstance(q.get("metric"), dict)]
    periods = [resource.inputs.get("period"), *(m.get("period") for m in metrics)]
    high = any(isinstance(p, int | float) and p < HIGH_RESOLUTION_BELOW_SECONDS for p in periods)
    resolution = "high-resolution" if high else "standard"
    quantity = Decimal(len(metrics) or 1)
    name = f"Alarm metrics ({resolution})"
    return [context.line(name, Kind.monthly, "cloudwatch-alarm", resolution, quantity)]


def dashboard(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Dashboard", Kind.monthly, "cloudwatch-dashboard", "dashboard", ONE)]


def secret(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Secret", Kind.monthly, "secrets-manager", "secret", ONE)]


def db_instance(resource: Resource, context: Context) -> list[Line]:
    """Instance hours and allocated storage, each twice in Multi-AZ (the standby); backup
    storage beyond the database's size depends on usage."""
    engine, instance_class = resource.inputs.get("engine"), resource.inputs.get("instanceClass")
    if engine != "postgres":
        raise CostError(f"RDS {engine} instances are not priced yet")
    if not isinstance(instance_class, str):
        raise CostError("the database's instance class is known only after `up`")
    storage_type = resource.inputs.get("storageType", "gp3")
    multi_az = resource.inputs.get("multiAz") is True
    copies, zones = (Decimal(2), "Multi-AZ") if multi_az else (ONE, "Single-AZ")
    storage = count(resource.inputs.get("allocatedStorage"), default=20)
    return [
        context.line(f"Database instance ({zones}, {instance_class})", Kind.hourly,
                     "rds-postgres", instance_class, copies * HOURS),
        context.line(f"Storage ({storage_type}, {zones})", Kind.monthly, "rds-storage",
                     storage_type, copies * storage),
        context.line("Backup storage beyond the database's size", Kind.usage,
                     "rds-backup-storage", "backup", None),
    ]  # fmt: skip


def mlflow_tracking_server(resource: Resource, context: Context) -> list[Line]:
    size = str(resource.inputs.get("trackingServerSize") or "Small")  # the API's default
    name = f"MLflow tracking server ({size})"
    return [context.line(name, Kind.hourly, "sagemaker-mlflow", size, HOURS)]


def endpoint_configuration(resource: Resource, context: Context) -> list[Line]:
    lines = []
    for variant in resource.inputs.get("productionVariants") or []:
        instance_type, instances = (
            variant.get("instanceType"),
            count(variant.get("initialInstanceCount")),
        )
        if not isinstance(instance_type, str):
            raise CostError("only instance-based (not serverless) variants are priced yet")
        name = f"Instance usage ({instances} x {instance_type})"
        lines.append(
            context.line(name, Kind.hourly, "sagemaker-hosting", instance_type, instances * HOURS)
        )
    return lines


def serving_parameter(resource: Resource, context: Context) -> list[Line] | None:
    """The serving deploy settings: what the endpoint that CI/CD deploys will cost."""
    if not SERVING_PARAMETER.match(str(resource.inputs.get("name", ""))):
        return None  # a standard parameter is free
    capability = context.capabilities[resource.urn]
    configurations = context.graph.of_type(ENDPOINT_CONFIGURATION)
    if any(context.capabilities[c.urn] == capability for c in configurations):
        return None  # the blueprint deploys the endpoint: priced on its configuration
    instance_type, instances = _deploy_settings(resource, context)
    name = f"Endpoint instances (created by the CI/CD deploy stage): {instances} x {instance_type}"
    return [context.line(name, Kind.hourly, "sagemaker-hosting", instance_type, instances * HOURS)]


def _deploy_settings(resource: Resource, context: Context) -> tuple[str, Decimal]:
    """(instance type, minimum instances) from the parameter's JSON value when the preview
    knows it, else from the serving options the component wrote it from."""
    for key in ("insecureValue", "value"):
        value = resource.inputs.get(key)
        if isinstance(value, str) and value.startswith("{"):
            settings = json.loads(value)
            if isinstance(settings.get("instance_type"), str):
                return settings["instance_type"], count(settings.get("min_instances"))
    serving = context.options(Capability.serving)
    if serving is None or not hasattr(serving, "instance_type"):
        raise CostError("cannot read the endpoint's instance type from the deploy settings")
    return serving.instance_type, count(getattr(serving, "min_instances", 1))


def eks_cluster(resource: Resource, context: Context) -> list[Line]:
    return [context.line("EKS control plane", Kind.hourly, "eks-cluster", "standard", HOURS)]


def eks_node_group(resource: Resource, context: Context) -> list[Line]:
    """Its nodes at the size they start with, and their root volumes (the launch template of
    the same capability says how large; none: the EKS default of 20 GB)."""
    types = resource.inputs.get("instanceTypes")
    if not isinstance(types, list) or not types or not isinstance(types[0], str):
        raise CostError("cannot read the node group's instance type")
    scaling = resource.inputs.get("scalingConfig")
    nodes = count(scaling.get("desiredSize"), 0) if isinstance(scaling, dict) else ONE
    capability = context.capabilities[resource.urn]
    templates = [t for t in context.graph.of_type(LAUNCH_TEMPLATE)
                 if context.capabilities[t.urn] == capability]  # fmt: skip
    disk = _root_volume_gb(templates[0]) if templates else EKS_DEFAULT_DISK_GB
    return [
        context.line(f"Nodes ({nodes} x {types[0]})", Kind.hourly, "ec2-instance", types[0],
                     nodes * HOURS),
        context.line(f"Node root volumes ({nodes} x {disk} GB gp3)", Kind.monthly, "ebs-volume",
                     "gp3", nodes * disk),
    ]  # fmt: skip


def _root_volume_gb(template: Resource) -> Decimal:
    mappings = template.inputs.get("blockDeviceMappings") or []
    ebs = mappings[0].get("ebs") if mappings and isinstance(mappings[0], dict) else None
    return count(ebs.get("volumeSize"), 20) if isinstance(ebs, dict) else EKS_DEFAULT_DISK_GB


PRICED: dict[str, Pricer] = {
    "aws:kms/key:Key": kms_key,
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpc_endpoint,
    "aws:ec2/natGateway:NatGateway": nat_gateway,
    "aws:ec2/eip:Eip": elastic_ip,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metric_alarm,
    "aws:cloudwatch/dashboard:Dashboard": dashboard,
    "aws:secretsmanager/secret:Secret": secret,
    "aws:rds/instance:Instance": db_instance,
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": mlflow_tracking_server,
    ENDPOINT_CONFIGURATION: endpoint_configuration,
    "aws:ssm/parameter:Parameter": serving_parameter,
    "aws:eks/cluster:Cluster": eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": eks_node_group,
}

PRICERS: dict[str, Pricer] = PRICED | USAGE
