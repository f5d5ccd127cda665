"""Options of the azureml-registry tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from components.options import Options


class AzureMlRegistryOptions(Options):
    """Azure ML registry for models and environments, and a container registry."""

    acr_sku: Literal["Basic", "Standard", "Premium"] | None = Field(
        None,
        description="Container registry tier; default: Premium in prod (private, retention, "
        "customer-managed key), Basic otherwise.",
    )
    untagged_retention_days: int = Field(
        30, ge=0, le=365, description="Premium only: untagged manifests kept this many days."
    )
