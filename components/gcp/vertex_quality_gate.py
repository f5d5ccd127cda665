"""Validation capability on GCP: who hears about the quality gate, and when.

The gate itself is enforced inside the training pipeline: `opsblocks.wiring.gcp` hands this
tool's metric, threshold and direction to the training component, which passes them as
parameters to every scheduled run; a run whose model misses the bar fails. This component
makes those failures visible: a log-based metric counts the failed Vertex AI pipeline runs
of the project, and an alert policy on it notifies the blueprint's alert address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

# Vertex AI Pipelines writes the events of every pipeline job (state changes, task failures)
# to this log, on the "Vertex Pipelines Job" monitored resource; a failed run logs an ERROR.
FAILED_RUNS_FILTER = (
    'resource.type="aiplatform.googleapis.com/PipelineJob" '
    'AND log_id("aiplatform.googleapis.com/pipeline_job_events") '
    "AND severity>=ERROR"
)
ALERT_WINDOW = "300s"


def gate_text(metric: str, threshold: float, direction: str) -> str:
    """`rmse at most 12.5`, `auc at least 0.8`."""
    bound = "at least" if direction == "maximize" else "at most"
    return f"{metric} {bound} {threshold:g}"


@dataclass(frozen=True, kw_only=True)
class GcpVertexQualityGateValidationArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    region: str
    pipeline_name: pulumi.Input[str]
    """The training pipeline whose runs enforce the gate."""
    alert_email: str | None = None
    """Notified of failed runs when given; without it the incidents show in the console only."""
    metric: str = "auc"
    threshold: float = 0.8
    direction: str = "maximize"


class GcpVertexQualityGateValidation(pulumi.ComponentResource):
    alert_policy_name: pulumi.Output[str]
    """`projects/<project>/alertPolicies/<id>` of the failed-run alert."""
    notification_channel: pulumi.Output[str] | None
    """The e-mail channel of `alert_email`; None without one."""

    def __init__(
        self,
        name: str,
        args: GcpVertexQualityGateValidationArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:GcpVertexQualityGateValidation", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)
        if args.direction not in ("maximize", "minimize"):
            raise ValueError(f"direction '{args.direction}' is not maximize or minimize")
        gate = gate_text(args.metric, args.threshold, args.direction)

        failed_runs = gcp.logging.Metric(
            f"{name}-failed-runs",
            name=pulumi.Output.concat(args.pipeline_name, "-failed-runs"),
            description=pulumi.Output.concat(
                "Failed Vertex AI pipeline runs (training ",
                args.pipeline_name,
                f" fails when its model misses the quality gate {gate})",
            ),
            filter=FAILED_RUNS_FILTER,
            metric_descriptor=gcp.logging.MetricMetricDescriptorArgs(
                metric_kind="DELTA",
                value_type="INT64",
                unit="1",
                display_name=pulumi.Output.concat("Failed runs: ", args.pipeline_name),
            ),
            project=args.project,
            opts=child,
        )
        channel = None
        if args.alert_email is not None:
            channel = gcp.monitoring.NotificationChannel(
                f"{name}-email",
                type="email",
                display_name=f"opsblocks {name}: quality gate {gate}",
                # `labels` configures the channel (its address); `user_labels` tag it.
                labels={"email_address": args.alert_email},
                user_labels=labels,
                project=args.project,
                opts=child,
            )

        policy = gcp.monitoring.AlertPolicy(
            f"{name}-failed-runs",
            display_name=pulumi.Output.concat(args.pipeline_name, f": quality gate {gate}"),
            combiner="OR",
            conditions=[
                gcp.monitoring.AlertPolicyConditionArgs(
                    display_name="A training run failed",
                    condition_threshold=gcp.monitoring.AlertPolicyConditionConditionThresholdArgs(
                        filter=pulumi.Output.concat(
                            'metric.type="logging.googleapis.com/user/', failed_runs.name, '"'
                        ),
                        comparison="COMPARISON_GT",
                        threshold_value=0,
                        duration="0s",
                        aggregations=[
                            gcp.monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                                alignment_period=ALERT_WINDOW,
                                per_series_aligner="ALIGN_SUM",
                                cross_series_reducer="REDUCE_SUM",
                            )
                        ],
                        trigger=gcp.monitoring.AlertPolicyConditionConditionThresholdTriggerArgs(
                            count=1
                        ),
                    ),
                )
            ],
            documentation=gcp.monitoring.AlertPolicyDocumentationArgs(
                subject=pulumi.Output.concat(args.pipeline_name, " failed"),
                content=pulumi.Output.concat(
                    "A run of the training pipeline ",
                    args.pipeline_name,
                    f" in {args.region} ",
                    f"failed: its model missed the quality gate {gate}, or a step errored. ",
                    "Vertex AI > Pipelines > Runs shows which step failed and why.",
                ),
                mime_type="text/markdown",
            ),
            notification_channels=[channel.name] if channel is not None else [],
            severity="ERROR",
            user_labels=labels,
            project=args.project,
            opts=child,
        )

        self.alert_policy_name = policy.name
        self.notification_channel = channel.name if channel is not None else None
        self.register_outputs(
            {
                "alert_policy_name": self.alert_policy_name,
                "notification_channel": self.notification_channel,
            }
        )
