"""The MLflow backend store: PostgreSQL on RDS in the platform's private subnets, reached only
from the cluster, encrypted with the platform key, TLS only, backed up, and logging to log
groups created here first (encrypted, kept for the environment's retention) rather than to the
never-expiring, unencrypted ones RDS would create."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.mlflow.sizing import Sizing

POSTGRES_MAJOR = "17"
"""Pinned major version; RDS applies its minor versions in the maintenance window."""
PARAMETER_FAMILY = f"postgres{POSTGRES_MAJOR}"
PORT = 5432
DATABASE = "mlflow"
USER = "mlflow"
LOG_EXPORTS = ("postgresql", "upgrade")
PERFORMANCE_INSIGHTS_DAYS = 7
"""The retention Performance Insights keeps at no charge."""


@dataclass(frozen=True, kw_only=True)
class DatabaseInputs:
    identifier: str
    """The DB instance identifier: its log groups and final snapshot are named after it."""
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    client_security_group_id: pulumi.Input[str] | None
    """The group the cluster's nodes carry; None: the whole VPC's range is admitted."""
    log_retention_days: int
    protect: bool
    sizing: Sizing
    password: pulumi.Input[str]


def postgres(name: str, inputs: DatabaseInputs, parent: pulumi.Resource) -> aws.rds.Instance:
    child = pulumi.ResourceOptions(parent=parent)
    tags = dict(inputs.tags)
    group = aws.ec2.SecurityGroup(
        f"{name}-db",
        vpc_id=inputs.vpc_id,
        description="opsblocks MLflow database: PostgreSQL from the cluster only",
        tags=tags,
        opts=child,
    )
    # No egress rule: the database starts no connection (the provider removes AWS's default).
    if inputs.client_security_group_id is not None:
        source = aws.vpc.SecurityGroupIngressRule(
            f"{name}-db-from-cluster",
            security_group_id=group.id,
            referenced_security_group_id=inputs.client_security_group_id,
            ip_protocol="tcp",
            from_port=PORT,
            to_port=PORT,
            description="PostgreSQL from the cluster's nodes",
            tags=tags,
            opts=child,
        )
    else:
        vpc = aws.ec2.get_vpc_output(
            id=inputs.vpc_id, opts=pulumi.InvokeOutputOptions(parent=parent)
        )
        source = aws.vpc.SecurityGroupIngressRule(
            f"{name}-db-from-vpc",
            security_group_id=group.id,
            cidr_ipv4=vpc.cidr_block,
            ip_protocol="tcp",
            from_port=PORT,
            to_port=PORT,
            description="PostgreSQL from the platform's network",
            tags=tags,
            opts=child,
        )
    subnets = aws.rds.SubnetGroup(
        f"{name}-db",
        subnet_ids=inputs.subnet_ids,
        description="opsblocks MLflow database: the platform's private subnets",
        tags=tags,
        opts=child,
    )
    parameters = aws.rds.ParameterGroup(
        f"{name}-db",
        family=PARAMETER_FAMILY,
        description="opsblocks MLflow database: TLS required",
        parameters=[aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1")],
        tags=tags,
        opts=child,
    )
    stateful = pulumi.ResourceOptions(
        parent=parent, protect=inputs.protect, retain_on_delete=inputs.protect
    )
    log_groups = [
        aws.cloudwatch.LogGroup(
            f"{name}-db-{kind}-logs",
            name=f"/aws/rds/instance/{inputs.identifier}/{kind}",
            retention_in_days=inputs.log_retention_days,
            kms_key_id=inputs.kms_key_arn,
            tags=tags,
            opts=stateful,
        )
        for kind in LOG_EXPORTS
    ]
    return aws.rds.Instance(
        f"{name}-db",
        identifier=inputs.identifier,
        engine="postgres",
        engine_version=POSTGRES_MAJOR,
        auto_minor_version_upgrade=True,
        instance_class=inputs.sizing.instance_class,
        allocated_storage=inputs.sizing.storage_gb,
        storage_type="gp3",
        storage_encrypted=True,
        kms_key_id=inputs.kms_key_arn,
        db_name=DATABASE,
        username=USER,
        password=inputs.password,
        port=PORT,
        db_subnet_group_name=subnets.name,
        vpc_security_group_ids=[group.id],
        publicly_accessible=False,
        multi_az=inputs.sizing.multi_az,
        parameter_group_name=parameters.name,
        backup_retention_period=inputs.sizing.backup_retention_days,
        copy_tags_to_snapshot=True,
        # In prod the instance cannot be deleted, leaves a final snapshot if it is, and keeps
        # its automated backups for their retention.
        deletion_protection=inputs.protect,
        skip_final_snapshot=not inputs.protect,
        final_snapshot_identifier=f"{inputs.identifier}-final" if inputs.protect else None,
        delete_automated_backups=not inputs.protect,
        performance_insights_enabled=True,
        performance_insights_kms_key_id=inputs.kms_key_arn,
        performance_insights_retention_period=PERFORMANCE_INSIGHTS_DAYS,
        enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
        tags=tags,
        opts=pulumi.ResourceOptions.merge(
            stateful, pulumi.ResourceOptions(depends_on=[*log_groups, source])
        ),
    )
