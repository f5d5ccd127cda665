"""Options of the mlflow tool on AWS (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.options import Options

DbInstanceClass = Annotated[
    str,
    Field(
        pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$",
        description="RDS instance class, e.g. db.t4g.micro.",
    ),
]


class MlflowRegistryOptions(Options):
    """MLflow tracking server and model registry on the blueprint's EKS cluster: PostgreSQL on
    RDS, artifacts in S3, reached through EKS Pod Identity. Unset sizes follow the environment
    (small and single-zone outside prod; Multi-AZ, two replicas and 30 days of backups in
    prod)."""

    instance_class: DbInstanceClass | None = Field(
        None,
        description="RDS instance class of the PostgreSQL database (default: db.t4g.micro, "
        "db.t4g.medium in prod).",
    )
    storage_gb: int = Field(
        20, ge=20, le=65536, description="Allocated gp3 storage of the database, in GB."
    )
    backup_retention_days: int | None = Field(
        None,
        ge=7,
        le=35,
        description="Days automated backups are kept, 7 to 35 (default: 7, 30 in prod).",
    )
    high_availability: bool | None = Field(
        None, description="Multi-AZ database with a standby in another zone (default: prod)."
    )
    replicas: int | None = Field(
        None, ge=1, le=10, description="MLflow server pods (default: 1, 2 in prod)."
    )
