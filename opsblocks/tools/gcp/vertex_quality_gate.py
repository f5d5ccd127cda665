"""vertex-quality-gate: the metric threshold as the scheduled pipeline runs' parameters; failed
runs alert."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.vertex_quality_gate.options import VertexQualityGateOptions
from opsblocks.contracts import Alerts, QualityGate
from opsblocks.contracts.gcp import GcpGate, GcpPipeline
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: VertexQualityGateOptions) -> GcpGate:
    from components.gcp.vertex_quality_gate.component import (
        GcpVertexQualityGateValidation,
        GcpVertexQualityGateValidationArgs,
    )

    alerts = site.get(Alerts)
    gate = GcpVertexQualityGateValidation(
        site.name,
        GcpVertexQualityGateValidationArgs(
            labels=site.labels,
            **site.common,
            pipeline_name=site.need(GcpPipeline).pipeline,
            alert_email=alerts.email if alerts else None,
            options=options,
        ),
        site.opts,
    )
    return GcpGate(alert_policy_name=gate.alert_policy_name)


def promises(options: VertexQualityGateOptions) -> tuple[QualityGate]:
    return (QualityGate(metric=options.metric, threshold=options.threshold,
                        direction=options.direction),)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.validation,
    name="vertex-quality-gate",
    description="Metric threshold as the scheduled pipeline run's parameters; failed runs alert",
    options=VertexQualityGateOptions,
    component="components.gcp.vertex_quality_gate.component:GcpVertexQualityGateValidation",
    build=build,
    gives=GcpGate,
    needs=(GcpPipeline,),
    uses=(Alerts,),
    promises=promises,
    promised=(QualityGate,),
    apis=("monitoring.googleapis.com", "logging.googleapis.com"),
    main_types=("gcp.monitoring.AlertPolicy", "gcp.monitoring.NotificationChannel"),
)
