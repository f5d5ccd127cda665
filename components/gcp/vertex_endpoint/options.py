"""Options of the vertex-endpoint tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from components.gcp.shared.option_types import MachineType
from components.options import ASK, Options


class VertexEndpointOptions(Options):
    """Vertex AI endpoint; models are deployed to it by the CI/CD deploy step."""

    machine_type: Annotated[MachineType, ASK] = "n1-standard-4"
    min_replicas: Annotated[int, ASK] = Field(1, ge=1, le=100)
    max_replicas: Annotated[int, ASK] = Field(2, ge=1, le=100)
    private: bool | None = Field(
        None, description="Private Service Connect only; default: private in prod."
    )

    @model_validator(mode="after")
    def _max_not_below_min(self) -> VertexEndpointOptions:
        if self.max_replicas < self.min_replicas:
            raise ValueError(
                f"max_replicas ({self.max_replicas}) is below min_replicas ({self.min_replicas})"
            )
        return self
