"""The MLflow backend store: Cloud SQL for PostgreSQL on a private IP, encrypted with the
platform key, with its databases and the MLflow user.

The instance is reachable only inside the foundation's VPC (Private Services Access, which the
foundation connects before its `network_id` resolves): no public IPv4 address, and every
connection must use TLS (`ENCRYPTED_ONLY`: the server refuses plain connections; clients need
no certificate of their own, so `sslmode=require` connects). Cloud SQL encrypts the instance
and its backups with the key through its service agent, which is created and granted the key
first: the instance waits for that grant.

The MLflow user is a BUILT_IN (password) user, and Cloud SQL makes every such user a member of
`cloudsqlsuperuser`: it may create roles and databases on the whole instance, more than MLflow
needs (its own database's tables). Accepted because the instance holds MLflow's databases only,
is reached on a private IP with TLS alone, and the password is a Pulumi secret; the Cloud SQL
API offers no built-in user without that role (an IAM database user would need the Cloud SQL
Auth Proxy beside MLflow).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp.mlflow.options import Sizing

POSTGRES_VERSION = "POSTGRES_17"
"""A PostgreSQL major version Cloud SQL supports, pinned: a new major is an explicit upgrade."""
ENCRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
SQL_ADMIN = "sqladmin.googleapis.com"
# PostgreSQL logging flags of CIS GCP 6.2: who connected, when, and what waited on locks.
LOG_FLAGS = ("log_checkpoints", "log_connections", "log_disconnections", "log_lock_waits")
TRANSACTION_LOG_DAYS = 7
"""Point-in-time recovery window: the most the Enterprise edition keeps."""


@dataclass(frozen=True, kw_only=True)
class PostgresArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    region: str
    kms_key_id: pulumi.Input[str]
    network_id: pulumi.Input[str]
    sizing: Sizing
    storage_gb: int
    databases: Sequence[str]
    user: str
    password: pulumi.Input[str]
    """A Pulumi secret."""
    protect: bool


@dataclass(frozen=True)
class Postgres:
    instance: gcp.sql.DatabaseInstance
    host: pulumi.Output[str]
    """The instance's private IP address."""
    user: pulumi.Output[str]
    """The MLflow user's name, once the user and its databases exist."""


def postgres(name: str, args: PostgresArgs, parent: pulumi.Resource) -> Postgres:
    """Instance `{name}-db`, its databases and user; children of `parent`."""
    child = pulumi.ResourceOptions(parent=parent)
    agent = gcp.projects.ServiceIdentity(
        f"{name}-agent-sqladmin", project=args.project, service=SQL_ADMIN, opts=child
    )
    grant = gcp.kms.CryptoKeyIAMMember(
        f"{name}-key-sqladmin",
        crypto_key_id=args.kms_key_id,
        role=ENCRYPTER,
        member=pulumi.Output.concat("serviceAccount:", agent.email),
        opts=child,
    )
    sizing = args.sizing
    settings = gcp.sql.DatabaseInstanceSettingsArgs(
        # Enterprise Plus is the default from PostgreSQL 16 on and takes no custom tier.
        edition="ENTERPRISE",
        tier=sizing.tier,
        availability_type="REGIONAL" if sizing.high_availability else "ZONAL",
        disk_type="PD_SSD",
        disk_size=args.storage_gb,
        disk_autoresize=True,
        deletion_protection_enabled=args.protect,
        retain_backups_on_delete=args.protect,
        ip_configuration=gcp.sql.DatabaseInstanceSettingsIpConfigurationArgs(
            ipv4_enabled=False, private_network=args.network_id, ssl_mode="ENCRYPTED_ONLY"
        ),
        backup_configuration=gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs(
            enabled=True,
            start_time="02:00",
            point_in_time_recovery_enabled=True,
            transaction_log_retention_days=TRANSACTION_LOG_DAYS,
            backup_retention_settings=gcp.sql.DatabaseInstanceSettingsBackupConfigurationBackupRetentionSettingsArgs(
                retained_backups=sizing.backup_retention_days, retention_unit="COUNT"
            ),
        ),
        database_flags=[
            gcp.sql.DatabaseInstanceSettingsDatabaseFlagArgs(name=flag, value="on")
            for flag in LOG_FLAGS
        ],
        insights_config=gcp.sql.DatabaseInstanceSettingsInsightsConfigArgs(
            query_insights_enabled=True, record_client_address=False
        ),
        maintenance_window=gcp.sql.DatabaseInstanceSettingsMaintenanceWindowArgs(
            day=7, hour=3, update_track="stable"
        ),
        user_labels=dict(args.labels),
    )
    instance = gcp.sql.DatabaseInstance(
        f"{name}-db",
        project=args.project,
        region=args.region,
        database_version=POSTGRES_VERSION,
        encryption_key_name=args.kms_key_id,
        settings=settings,
        deletion_protection=args.protect,
        opts=pulumi.ResourceOptions(
            parent=parent,
            protect=args.protect,
            retain_on_delete=args.protect,
            depends_on=[grant],
            # Storage grows by itself; an `up` must not try to shrink it back (the provider
            # would replace the instance).
            ignore_changes=["settings.diskSize"],
        ),
    )
    # A database or user that owns objects cannot be dropped through the API (PostgreSQL):
    # deleting the instance deletes them.
    databases = [
        gcp.sql.Database(
            f"{name}-db-{database.replace('_', '-')}",
            project=args.project,
            instance=instance.name,
            name=database,
            deletion_policy="ABANDON",
            opts=child,
        )
        for database in args.databases
    ]
    user = gcp.sql.User(
        f"{name}-db-user",
        project=args.project,
        instance=instance.name,
        name=args.user,
        type="BUILT_IN",
        password=args.password,
        deletion_policy="ABANDON",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=databases),
    )
    return Postgres(instance=instance, host=instance.private_ip_address, user=user.name)
