"""azureml-model-monitor: a model monitor (data and prediction drift) on the endpoint, latency
and error alerts, and an e-mail action group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.azureml_model_monitor.options import AzureMlModelMonitorOptions
from opsblocks.contracts import Alerts
from opsblocks.contracts.azure import AzureEndpoint, AzureModelMonitor, AzureWorkspace
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AzureMlModelMonitorOptions) -> AzureModelMonitor:
    from components.azure.azureml_model_monitor.component import (
        AzureMlModelMonitorMonitoring,
        AzureMlModelMonitorMonitoringArgs,
    )

    serving, training = site.need(AzureEndpoint), site.need(AzureWorkspace)
    monitoring = AzureMlModelMonitorMonitoring(
        site.name,
        AzureMlModelMonitorMonitoringArgs(
            tags=site.tags,
            **site.group,
            workspace_name=training.workspace_name,
            endpoint_name=serving.endpoint,
            endpoint_id=serving.endpoint_id,
            deployment_name=serving.deployment_name,
            deployment_id=serving.deployment_id,
            # Serverless Spark runs as the workload identity, attached to the workspace.
            compute_identity_id=site.foundation.workload_identity_id,
            reference_data_uri=training.training_data_uri,
            options=options,
        ),
        site.opts,
    )
    return AzureModelMonitor(monitor_schedule_name=monitoring.monitor_schedule_name,
                             action_group_id=monitoring.action_group_id)  # fmt: skip


def promises(options: AzureMlModelMonitorOptions) -> tuple[Alerts]:
    return (Alerts(email=options.alert_email),)


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.monitoring,
    name="azureml-model-monitor",
    description="Model monitor (data and prediction drift), latency and error alerts, e-mail",
    options=AzureMlModelMonitorOptions,
    component="components.azure.azureml_model_monitor.component:AzureMlModelMonitorMonitoring",
    build=build,
    gives=AzureModelMonitor,
    needs=(AzureEndpoint, AzureWorkspace),
    promises=promises,
    promised=(Alerts,),
    main_types=(
        "azure_native.machinelearningservices.Schedule",
        "azure_native.monitor.ActionGroup",
    ),
    coverage={"alert_email": "ml@example.com"},
)
