"""Options of the azureml tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from components.azure.shared.option_types import VmSize
from components.options import ASK, Options


class AzureMlOptions(Options):
    """Azure ML workspace with a compute cluster, and optionally a compute instance."""

    vm_size: Annotated[VmSize, ASK] = "Standard_DS3_v2"
    max_nodes: Annotated[int, ASK] = Field(2, ge=1, le=100, description="Cluster size at most.")
    idle_seconds_before_scale_down: int = Field(
        120, ge=60, le=86400, description="Idle time after which cluster nodes are released."
    )
    low_priority: bool = Field(False, description="Low-priority (evictable, cheaper) nodes.")
    compute_instance: bool = Field(
        False, description="A compute instance for notebooks (needs compute_instance_user)."
    )
    compute_instance_user: str | None = Field(
        None,
        pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$",
        description="Object id of the Entra ID user the compute instance belongs to.",
    )
    compute_instance_vm_size: VmSize = "Standard_DS3_v2"
    idle_minutes_before_shutdown: int = Field(
        60, ge=15, le=20160, description="The compute instance shuts down after this idle time."
    )

    @model_validator(mode="after")
    def _instance_has_a_user(self) -> AzureMlOptions:
        if self.compute_instance and self.compute_instance_user is None:
            raise ValueError(
                "compute_instance needs compute_instance_user: a compute instance belongs to "
                "one user (their Entra ID object id: az ad signed-in-user show --query id)"
            )
        return self
