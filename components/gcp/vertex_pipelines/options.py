"""Options of the vertex-pipelines tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.gcp.shared.option_types import Cron, MachineType
from components.options import ASK, Hyperparameter, Options


class VertexPipelinesOptions(Options):
    """Vertex AI Pipelines run on a schedule, with TensorBoard and an optional Workbench."""

    machine_type: Annotated[MachineType, ASK] = "n1-standard-4"
    schedule: Annotated[Cron, ASK] = "0 3 * * 1"
    time_zone: str = Field("Etc/UTC", min_length=1)
    hyperparameters: dict[str, Hyperparameter] = Field(default_factory=dict)
    workbench: bool = Field(False, description="A Workbench notebook instance for the team.")
    workbench_machine_type: MachineType = "e2-standard-4"
