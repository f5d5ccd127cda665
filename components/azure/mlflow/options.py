"""Options of the mlflow tool on azure (a blueprint's `options:` for it)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from components.options import ASK, Options

Tier = Literal["Burstable", "GeneralPurpose", "MemoryOptimized"]
# Premium SSD sizes a flexible server accepts (GiB): "Storage options" of the service.
STORAGE_SIZES = (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)
# An image reference with its registry, pinned: `registry[:port]/repository:tag`,
# `...@sha256:<digest>` or both (the distribution project's reference grammar).
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE = re.compile(
    r"^(?P<registry>(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)"
    rf"/(?P<repository>{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?$"
)


class AzureMlflowOptions(Options):
    """MLflow tracking server and model registry on the blueprint's AKS cluster, over Azure
    Database for PostgreSQL (flexible server) and a blob container of its own.

    `image` is required: the chart's default image (burakince/mlflow:3.14.0) lacks the
    `azure-identity` package (community-charts/helm-charts#423), so its artifact uploads to
    Blob Storage cannot use the server's workload identity. Build one that has it:

        FROM burakince/mlflow:3.14.0
        RUN pip install --no-cache-dir azure-identity

    push it to a registry the cluster can pull from (e.g. an Azure Container Registry the
    cluster's kubelet identity holds AcrPull on) and give it pinned by tag or digest.
    """

    image: Annotated[str, ASK] = Field(
        ...,
        description="An MLflow 3.14 image with azure-identity, e.g. built FROM "
        "burakince/mlflow:3.14.0 plus `pip install azure-identity`, pushed to a registry the "
        "cluster can pull from, pinned by tag or digest "
        "(myregistry.azurecr.io/mlflow:3.14.0-azure or ...@sha256:<digest>).",
    )

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

    @field_validator("image")
    @classmethod
    def _pinned_image(cls, image: str) -> str:
        found = IMAGE.fullmatch(image)
        if found is None:
            raise ValueError(f"image {image!r} is not registry/repository:tag or "
                             "registry/repository@sha256:<digest>")  # fmt: skip
        if found["tag"] is None and found["digest"] is None:
            raise ValueError(f"image {image!r} is not pinned: add a tag or @sha256:<digest>")
        if found["tag"] == "latest" and found["digest"] is None:
            raise ValueError(f"image {image!r}: 'latest' moves; pin a version tag or a digest")
        return image

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
