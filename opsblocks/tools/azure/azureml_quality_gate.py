"""azureml-quality-gate: the metric threshold compiled into a scheduled evaluation pipeline whose
failed runs alert (through the monitoring capability's action group when there is one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.azureml_quality_gate.options import AzureMlQualityGateOptions
from opsblocks.contracts import QualityGate
from opsblocks.contracts.azure import AzureGate, AzureModelMonitor, AzureWorkspace
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AzureMlQualityGateOptions) -> AzureGate:
    from components.azure.azureml_quality_gate.component import (
        AzureMlQualityGateValidation,
        AzureMlQualityGateValidationArgs,
    )

    training, monitoring = site.need(AzureWorkspace), site.get(AzureModelMonitor)
    gate = AzureMlQualityGateValidation(
        site.name,
        AzureMlQualityGateValidationArgs(
            tags=site.tags,
            **site.group,
            workspace_name=training.workspace_name,
            cluster_name=training.cluster_name,
            log_workspace_id=site.foundation.log_workspace_id,
            action_group_id=monitoring.action_group_id if monitoring else None,
            options=options,
        ),
        site.opts,
    )
    return AzureGate(schedule_name=gate.schedule_name)


def promises(options: AzureMlQualityGateOptions) -> tuple[QualityGate]:
    return (QualityGate(metric=options.metric, threshold=options.threshold,
                        direction=options.direction),)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.validation,
    name="azureml-quality-gate",
    description="Threshold compiled into a scheduled evaluation pipeline; failed runs alert",
    options=AzureMlQualityGateOptions,
    component="components.azure.azureml_quality_gate.component:AzureMlQualityGateValidation",
    build=build,
    gives=AzureGate,
    needs=(AzureWorkspace,),
    # The gate's failed runs notify the monitoring capability's action group.
    uses=(AzureModelMonitor,),
    promises=promises,
    promised=(QualityGate,),
    main_types=(
        "azure_native.machinelearningservices.ComponentVersion",
        "azure_native.machinelearningservices.Schedule",
    ),
)
