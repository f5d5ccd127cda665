"""Options of the mlflow tool on gcp (a blueprint's `options:` for it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from components.options import ASK, Options

# Cloud SQL Enterprise edition tiers: dedicated cores (`db-custom-<vCPUs>-<memory MB>`) or the
# two shared-core ones. Enterprise Plus takes only `db-perf-optimized-N-*` machines.
SqlTier = Annotated[
    str,
    Field(
        pattern=r"^db-(custom-[0-9]+-[0-9]+|f1-micro|g1-small)$",
        description="Cloud SQL Enterprise tier, e.g. db-custom-1-3840 (1 vCPU, 3.75 GB).",
    ),
]

DEV_TIER = "db-custom-1-3840"
"""The smallest dedicated-core tier: shared-core tiers carry no SLA."""
PROD_TIER = "db-custom-2-7680"
DEV_BACKUP_DAYS, PROD_BACKUP_DAYS = 7, 30


@dataclass(frozen=True)
class Sizing:
    """What the database is built with, the environment's defaults filled in."""

    tier: str
    backup_retention_days: int
    high_availability: bool


class MlflowOptions(Options):
    """MLflow tracking server and model registry on GKE: Cloud SQL for PostgreSQL, a bucket."""

    tier: Annotated[SqlTier | None, ASK] = Field(
        None, description=f"Database tier; default: {DEV_TIER}, {PROD_TIER} in prod."
    )
    storage_gb: int = Field(
        10, ge=10, le=65536, description="Database SSD size in GB (grows automatically)."
    )
    backup_retention_days: int | None = Field(
        None,
        ge=7,
        le=365,
        description=f"Daily backups kept; default: {DEV_BACKUP_DAYS}, {PROD_BACKUP_DAYS} in prod.",
    )
    high_availability: bool | None = Field(
        None, description="A standby in a second zone (REGIONAL); default: on in prod."
    )
    replicas: int = Field(1, ge=1, le=10, description="MLflow server pods.")

    def sizing(self, production: bool) -> Sizing:
        """The options with the environment's defaults filled in."""
        return Sizing(
            tier=self.tier or (PROD_TIER if production else DEV_TIER),
            backup_retention_days=self.backup_retention_days
            or (PROD_BACKUP_DAYS if production else DEV_BACKUP_DAYS),
            high_availability=production
            if self.high_availability is None
            else self.high_availability,
        )
