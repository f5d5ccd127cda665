"""Validation capability on GCP: who hears about the quality gate, and when.

The gate itself is enforced inside the training pipeline: this tool's metric, threshold and
direction are handed to the training component, which passes them as parameters to every
scheduled run; a run whose model misses the bar fails. This component
makes those failures visible: an alert policy matches the error events of the training
pipeline's runs (not of other pipelines of the project, such as the drift checks) and
notifies the blueprint's alert address. It matches the log entries themselves: a policy on a
log-based metric created in the same `up` would be refused until the metric exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared.log_alerts import failed_runs_filter, log_alert
from components.gcp.vertex_quality_gate.options import VertexQualityGateOptions


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
    options: VertexQualityGateOptions = field(default_factory=VertexQualityGateOptions)
    """The tool's options, as the blueprint gave them (validated)."""


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
        options = args.options  # validated: the direction is maximize or minimize
        gate = gate_text(options.metric, options.threshold, options.direction)

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

        policy = log_alert(
            f"{name}-failed-runs",
            project=args.project,
            title=pulumi.Output.concat(args.pipeline_name, f": quality gate {gate}"),
            log_filter=pulumi.Output.from_input(args.pipeline_name).apply(failed_runs_filter),
            subject=pulumi.Output.concat(args.pipeline_name, " failed"),
            content=pulumi.Output.concat(
                "A run of the training pipeline ",
                args.pipeline_name,
                f" in {args.region} ",
                f"failed: its model missed the quality gate {gate}, or a step errored. ",
                "Vertex AI > Pipelines > Runs shows which step failed and why.",
            ),
            channels=[channel.name] if channel is not None else [],
            labels=labels,
            parent=self,
        )

        self.alert_policy_name = policy.name
        self.notification_channel = channel.name if channel is not None else None
        self.register_outputs(
            {
                "alert_policy_name": self.alert_policy_name,
                "notification_channel": self.notification_channel,
            }
        )
