"""Monitoring capability on GCP: alert policies, a dashboard and a scheduled drift check.

Alert policies watch the endpoint's prediction errors and p99 latency in Cloud Monitoring and
notify an e-mail channel when the blueprint gives an address. The endpoint is created empty
(models are deployed by the CI/CD deploy step), so an idle endpoint reports no data: missing
data never opens an incident. A dashboard shows traffic, errors, latency and the policies.

The drift check (`drift_check`) runs when the blueprint has a training capability. A
drift-check run fails when it finds drift above the threshold: a policy matching the failed
drift runs (and only those) notifies the same channel. So does a policy on the failed attempts
of the platform's Cloud Scheduler jobs (the drift check's and those it is given, such as the
training schedule): a schedule that cannot start its run alerts someone. Both match log
entries (`shared.log_alerts`), so they need no log-based metric created beforehand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared.log_alerts import failed_attempts_filter, failed_runs_filter, log_alert
from components.gcp.vertex_model_monitoring.documents import (
    DRIFT_TEMPLATE,
    ERROR_COUNT,
    LATENCIES,
    dashboard_json,
    dashboard_url,
    endpoint_filter,
)
from components.gcp.vertex_model_monitoring.drift_check import (
    DriftCheck,
    drift_check,
    drift_identity,
)
from components.gcp.vertex_model_monitoring.options import VertexModelMonitoringOptions


@dataclass(frozen=True, kw_only=True)
class GcpVertexModelMonitoringArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    """Project id from the foundation: resolves once the APIs and the key are ready."""
    region: str
    kms_key_id: pulumi.Input[str]
    """Encrypts the drift-check pipeline runs."""
    endpoint_id: pulumi.Input[str]
    """Endpoint id (last part of its resource name), as the metrics label it."""
    prediction_log_table: pulumi.Input[str]
    """`bq://<project>.<dataset>.<table>`: the endpoint's request-response log."""
    service_account_id: str
    """Account id of the identity the drift checks run as (6-30 characters)."""
    template_repository_id: pulumi.Input[str] | None = None
    """The training capability's KFP repository (its id, without project and location), which
    holds the drift-check template; None (no training): no scheduled drift check."""
    pipeline_root_uri: pulumi.Input[str] | None = None
    """`gs://...` root of the training pipelines: the drift checks write their outputs under it
    (required with `template_repository_id`)."""
    scheduler_job_names: Sequence[pulumi.Input[str]] = ()
    """Other Cloud Scheduler jobs of the platform (the training schedule) whose failed attempts
    notify the channel, beside the drift check's own."""
    options: VertexModelMonitoringOptions = field(default_factory=VertexModelMonitoringOptions)
    """The tool's options, as the blueprint gave them (validated)."""


TYPE = "opsblocks:index:GcpVertexModelMonitoring"
FORMER_TYPE = "opsblocks:index:GcpVertexModelMonitoringMonitoring"


class GcpVertexModelMonitoring(pulumi.ComponentResource):
    notification_channel: pulumi.Output[str] | None
    """Resource name of the e-mail channel every policy notifies; None without an address."""
    alert_policy_names: list[pulumi.Output[str]]
    """Resource names of the alert policies (errors, latency)."""
    dashboard_url: pulumi.Output[str]
    """Console address of the endpoint dashboard."""
    service_account_email: pulumi.Output[str]
    """Identity the drift checks run as."""

    def __init__(
        self,
        name: str,
        args: GcpVertexModelMonitoringArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # The class was GcpVertexModelMonitoringMonitoring: the alias keeps the URNs of stacks
        # created before (and of everything under the component) where they were.
        renamed = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=FORMER_TYPE)])
        super().__init__(TYPE, name, {}, pulumi.ResourceOptions.merge(opts, renamed))
        if (args.template_repository_id is None) != (args.pipeline_root_uri is None):
            raise ValueError("template_repository_id and pipeline_root_uri go together")
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)
        options = args.options

        channel = None
        if options.alert_email is not None:
            # `labels` configures the channel (its address); `user_labels` tag it.
            channel = gcp.monitoring.NotificationChannel(
                f"{name}-alert-email", project=args.project, type="email",
                display_name=f"opsblocks {name}: {options.alert_email}",
                labels={"email_address": options.alert_email}, user_labels=labels,
                opts=child)  # fmt: skip
        channels = [channel.name] if channel is not None else []

        policies = [
            self._policy(
                f"{name}-errors", args, channels,
                title=f"More than {options.max_errors_per_5min} prediction errors in 5 minutes",
                metric=ERROR_COUNT, aligner="ALIGN_SUM", reducer="REDUCE_SUM",
                threshold=options.max_errors_per_5min, duration="0s",
            ),
            self._policy(
                f"{name}-latency-p99", args, channels,
                title=f"Prediction latency p99 above {options.latency_p99_ms} ms",
                # Max over deployed models and latency types: the slowest total latency.
                metric=LATENCIES, aligner="ALIGN_PERCENTILE_99", reducer="REDUCE_MAX",
                # Three slow windows in a row: one slow burst (a cold start) does not page.
                threshold=options.latency_p99_ms, duration="900s",
            ),
        ]  # fmt: skip
        policy_names = [policy.name for policy in policies]
        dashboard = gcp.monitoring.Dashboard(
            f"{name}-dashboard", project=args.project, opts=child,
            dashboard_json=pulumi.Output.all(args.endpoint_id, *policy_names).apply(
                lambda found: dashboard_json(f"opsblocks {name}", found[0], found[1:])),
        )  # fmt: skip

        check = DriftCheck(
            labels=args.labels,
            project=args.project,
            region=args.region,
            kms_key_id=args.kms_key_id,
            service_account_id=args.service_account_id,
            prediction_log_table=args.prediction_log_table,
            schedule=options.drift_schedule,
            threshold=options.drift_threshold,
        )
        account, grants = drift_identity(self, name, check)
        schedules = list(args.scheduler_job_names)
        if args.template_repository_id is not None and args.pipeline_root_uri is not None:
            schedule = drift_check(self, name, check, args.template_repository_id,
                                   args.pipeline_root_uri, account, grants)  # fmt: skip
            schedules.append(schedule.name)
            self._drift_alert(name, args, channels)
        if schedules:
            self._schedule_alert(name, args, channels, schedules)

        self.notification_channel = channel.name if channel is not None else None
        self.alert_policy_names = policy_names
        self.dashboard_url = pulumi.Output.all(args.project, dashboard.id).apply(
            lambda found: dashboard_url(found[0], found[1])
        )
        self.service_account_email = account.email
        self.register_outputs({"notification_channel": self.notification_channel,
                               "alert_policy_names": self.alert_policy_names,
                               "dashboard_url": self.dashboard_url,
                               "service_account_email": self.service_account_email})  # fmt: skip

    def _policy(self, name: str, args: GcpVertexModelMonitoringArgs,
                channels: list[pulumi.Output[str]], *, title: str, metric: str, aligner: str,
                reducer: str, threshold: float,
                duration: str) -> gcp.monitoring.AlertPolicy:  # fmt: skip
        """A policy on one metric of the endpoint, over 5-minute windows."""
        monitoring = gcp.monitoring
        condition = monitoring.AlertPolicyConditionConditionThresholdArgs(
            filter=pulumi.Output.from_input(args.endpoint_id).apply(
                lambda endpoint_id: endpoint_filter(metric, endpoint_id)
            ),
            aggregations=[
                monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                    alignment_period="300s", per_series_aligner=aligner,
                    cross_series_reducer=reducer, group_by_fields=["resource.labels.endpoint_id"],
                )
            ],
            comparison="COMPARISON_GT",
            threshold_value=threshold,
            duration=duration,
            trigger=monitoring.AlertPolicyConditionConditionThresholdTriggerArgs(count=1),
            # An idle endpoint has neither errors nor slow answers: missing data never pages.
            evaluation_missing_data="EVALUATION_MISSING_DATA_INACTIVE",
        )  # fmt: skip
        return monitoring.AlertPolicy(
            name,
            project=args.project,
            display_name=f"opsblocks {name}: {title}",
            combiner="OR",
            conditions=[monitoring.AlertPolicyConditionArgs(display_name=title,
                                                            condition_threshold=condition)],
            notification_channels=channels,
            alert_strategy=monitoring.AlertPolicyAlertStrategyArgs(auto_close="1800s"),
            severity="ERROR",
            user_labels=dict(args.labels),
            opts=pulumi.ResourceOptions(parent=self),
        )  # fmt: skip

    def _drift_alert(self, name: str, args: GcpVertexModelMonitoringArgs,
                     channels: list[pulumi.Output[str]]) -> None:  # fmt: skip
        """Drift-check runs that fail: drift above the threshold, or a step errored."""
        threshold = args.options.drift_threshold
        title = f"Drift check found drift above {threshold:g}, or failed"
        log_alert(
            f"{name}-drift", project=args.project, title=f"opsblocks {name}: {title}",
            log_filter=failed_runs_filter(DRIFT_TEMPLATE), subject=title,
            content=(f"A drift-check run in {args.region} failed: the logged predictions drift "
                     f"from the training data by more than {threshold:g}, or a step "
                     "errored. Vertex AI > Pipelines > Runs shows which."),
            channels=channels, labels=args.labels, parent=self,
        )  # fmt: skip

    def _schedule_alert(self, name: str, args: GcpVertexModelMonitoringArgs,
                        channels: list[pulumi.Output[str]],
                        schedules: list[pulumi.Input[str]]) -> None:  # fmt: skip
        """Failed attempts of the platform's Cloud Scheduler jobs: a run that never started."""
        title = "A scheduled run could not be started"
        log_alert(
            f"{name}-schedule-failures", project=args.project, title=f"opsblocks {name}: {title}",
            log_filter=pulumi.Output.all(*schedules).apply(failed_attempts_filter),
            subject=title,
            content=(f"Cloud Scheduler in {args.region} failed to start a run (the Vertex AI "
                     "request was refused: permissions, template or quota). Cloud Scheduler > "
                     "the job > logs shows the answer."),
            channels=channels, labels=args.labels, parent=self,
        )  # fmt: skip
