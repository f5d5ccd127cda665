"""vertex-model-monitoring: alert policies on the endpoint's errors and latency, an e-mail
channel, a dashboard and a scheduled drift check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.vertex_model_monitoring.options import VertexModelMonitoringOptions
from opsblocks.contracts import Alerts
from opsblocks.contracts.gcp import GcpEndpoint, GcpEndpointMonitoring, GcpPipeline
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: VertexModelMonitoringOptions) -> GcpEndpointMonitoring:
    from components.gcp.vertex_model_monitoring.component import (
        GcpVertexModelMonitoring,
        GcpVertexModelMonitoringArgs,
    )

    serving, training = site.need(GcpEndpoint), site.get(GcpPipeline)
    monitoring = GcpVertexModelMonitoring(
        site.name,
        GcpVertexModelMonitoringArgs(
            labels=site.labels,
            **site.common,
            kms_key_id=site.foundation.kms_key_id,
            endpoint_id=serving.endpoint,
            prediction_log_table=serving.prediction_log_table,
            service_account_id=site.account_id("monitor"),
            # The drift check starts from the training templates, writes under its root.
            template_repository_id=training.template_repository_id if training else None,
            pipeline_root_uri=training.pipeline_root_uri if training else None,
            # A training schedule that cannot start its run pages the monitoring channel.
            scheduler_job_names=[training.scheduler_job_name] if training else [],
            options=options,
        ),
        site.opts,
    )
    return GcpEndpointMonitoring(dashboard_url=monitoring.dashboard_url,
                                 notification_channel=monitoring.notification_channel)  # fmt: skip


def promises(options: VertexModelMonitoringOptions) -> tuple[Alerts]:
    return (Alerts(email=options.alert_email),)


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.monitoring,
    name="vertex-model-monitoring",
    description="Alert policies on errors and latency, e-mail channel, dashboard, scheduled drift "
    "check",
    options=VertexModelMonitoringOptions,
    component="components.gcp.vertex_model_monitoring.component:GcpVertexModelMonitoring",
    build=build,
    gives=GcpEndpointMonitoring,
    needs=(GcpEndpoint,),
    uses=(GcpPipeline,),
    promises=promises,
    promised=(Alerts,),
    apis=("monitoring.googleapis.com", "cloudscheduler.googleapis.com"),
    names=(NameRule("service account", 30, "-monitor", autonamed=False),),
    main_types=(
        "gcp.cloudscheduler.Job",
        "gcp.monitoring.Dashboard",
        "gcp.monitoring.AlertPolicy",
        "gcp.monitoring.NotificationChannel",
    ),
    coverage={"alert_email": "ml@example.com"},
)
