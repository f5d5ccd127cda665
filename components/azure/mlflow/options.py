"""Options of the mlflow tool on azure (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from components.options import ASK, Options

Tier = Literal["Burstable", "GeneralPurpose", "MemoryOptimized"]
# Premium SSD sizes a flexible server accepts (GiB): "Storage options" of the service.
STORAGE_SIZES = (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)


class AzureMlflowOptions(Options):
    """MLflow tracking server and model registry on the blueprint's AKS cluster, over Azure
    Database for PostgreSQL (flexible server) and a blob container of its own."""

    sku: Annotated[str | None, ASK] = Field(
        None,
        pattern=r"^Standard_[A-Za-z0-9_]+$",
        description="Database compute size; default: Standard_D2ds_v5 (GeneralPurpose) in prod, "
        "Standard_B1ms (Burstable) otherwise.",
    )
    tier: Tier | None = Field(
        None, description="Compute tier of `sku`; default: the tier of the default size."
    )
    storage_gb: int = Field(32, description=f"Database storage in GiB, one of {STORAGE_SIZES}.")
    backup_retention_days: int | None = Field(
        None,
        ge=7,
        le=35,
        description="Days of automated backups; default: 30 in prod, 7 otherwise.",
    )
    high_availability: bool | None = Field(
        None,
        description="A zone-redundant standby (not on Burstable); default: on in prod.",
    )
    replicas: int = Field(1, ge=1, le=5, description="MLflow server pods.")

    @model_validator(mode="after")
    def _consistent(self) -> AzureMlflowOptions:
        if self.storage_gb not in STORAGE_SIZES:
            raise ValueError(f"storage_gb {self.storage_gb} is not a size the server offers "
                             f"(choose: {', '.join(map(str, STORAGE_SIZES))})")  # fmt: skip
        if (self.sku is None) != (self.tier is None):
            raise ValueError("sku and tier go together: give both, or neither for the default")
        if self.tier == "Burstable" and self.high_availability:
            raise ValueError("high_availability is not offered on the Burstable tier")
        return self

    def environment_problem(self, environment: str) -> tuple[str, str] | None:
        if environment == "prod" and self.tier == "Burstable" and self.high_availability is None:
            return ("tier", "prod defaults to high availability, which Burstable does not offer: "
                    "choose GeneralPurpose or set high_availability: false")  # fmt: skip
        return None
