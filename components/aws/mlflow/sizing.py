"""What the options leave unset, per environment: plain values, no Pulumi."""

from __future__ import annotations

from dataclasses import dataclass

from components.aws.mlflow.options import MlflowRegistryOptions

DEV_INSTANCE_CLASS = "db.t4g.micro"
PROD_INSTANCE_CLASS = "db.t4g.medium"
DEV_BACKUP_DAYS = 7
PROD_BACKUP_DAYS = 30


@dataclass(frozen=True)
class Sizing:
    instance_class: str
    storage_gb: int
    backup_retention_days: int
    multi_az: bool
    replicas: int


def sizing(options: MlflowRegistryOptions, prod: bool) -> Sizing:
    """The options, with each unset one at its environment's default."""
    return Sizing(
        instance_class=options.instance_class
        or (PROD_INSTANCE_CLASS if prod else DEV_INSTANCE_CLASS),
        storage_gb=options.storage_gb,
        backup_retention_days=options.backup_retention_days
        or (PROD_BACKUP_DAYS if prod else DEV_BACKUP_DAYS),
        multi_az=prod if options.high_availability is None else options.high_availability,
        replicas=options.replicas or (2 if prod else 1),
    )
