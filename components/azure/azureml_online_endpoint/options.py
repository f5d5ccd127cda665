"""Options of the azureml-online-endpoint tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from components.azure.shared.option_types import VmSize
from components.options import ASK, Options

# An Azure ML model asset: azureml://registries/<r>/models/<m>/versions/<v>, or azureml:<m>:<v>.
ModelAsset = Annotated[
    str,
    Field(
        pattern=r"^azureml:(//registries/[\w.-]+/models/[\w.-]+/versions/[\w.-]+|[\w.-]+:[\w.-]+)$",
        description="Model to deploy: azureml://registries/<r>/models/<m>/versions/<v>.",
    ),
]


class AzureMlOnlineEndpointOptions(Options):
    """Managed online endpoint; a model given here is deployed, otherwise CI/CD deploys."""

    instance_type: Annotated[VmSize, ASK] = "Standard_DS3_v2"
    min_instances: Annotated[int, ASK] = Field(1, ge=1, le=20)
    max_instances: Annotated[int, ASK] = Field(2, ge=1, le=20)
    model: ModelAsset | None = None
    private: bool | None = Field(
        None, description="Private endpoint access only; default: private in prod."
    )

    @model_validator(mode="after")
    def _max_not_below_min(self) -> AzureMlOnlineEndpointOptions:
        if self.max_instances < self.min_instances:
            raise ValueError(
                f"max_instances ({self.max_instances}) is below min_instances "
                f"({self.min_instances})"
            )
        return self
