"""Monitoring capability on GCP: alert policies, a dashboard and a scheduled drift check.

Alert policies watch the endpoint's prediction errors and p99 latency in Cloud Monitoring and
notify an e-mail channel when the blueprint gives an address. The endpoint is created empty
(models are deployed by the CI/CD deploy step), so an idle endpoint reports no data: missing
data never opens an incident. A dashboard shows traffic, errors, latency and the policies.

The drift check is a Vertex AI pipeline run that compares the logged predictions (the
serving capability's BigQuery request-response log) with the training data. A Cloud
Scheduler job starts it on `drift_schedule` when the blueprint has a training capability: the
run starts from the template `drift` (tag `latest`) that CI/CD uploads to the training
capability's KFP repository (the Vertex REST API takes templates from Artifact Registry only)
and writes its outputs under the pipeline root. It runs as the monitoring service account,
which may read the prediction dataset, that repository and that bucket, and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp.dataset import dataset_reader
from components.gcp.vertex_monitoring_documents import (
    DRIFT_TEMPLATE,
    ERROR_COUNT,
    LATENCIES,
    bucket_of,
    dashboard_json,
    dashboard_url,
    dataset_of,
    drift_run_body,
    endpoint_filter,
    pipeline_jobs_url,
)
from components.gcp.vertex_pipeline_job import template_repository_url, template_uri

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


@dataclass(frozen=True, kw_only=True)
class GcpVertexModelMonitoringMonitoringArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    """Project id from the foundation: resolves once the APIs and the key are ready."""
    region: str
    kms_key_id: pulumi.Input[str]
    """Encrypts the drift-check pipeline runs."""
    access_log_bucket: pulumi.Input[str]
    """Unused: the component keeps no objects. Accepted with the other store settings."""
    protect: bool = False
    """Unused: the component keeps no data (the prediction log belongs to serving)."""
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
    alert_email: str | None = None
    latency_p99_ms: int = 1000
    max_errors_per_5min: int = 5
    drift_schedule: str = "0 4 * * *"
    """unix-cron, in UTC."""
    drift_threshold: float = 0.3


class GcpVertexModelMonitoringMonitoring(pulumi.ComponentResource):
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
        args: GcpVertexModelMonitoringMonitoringArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:GcpVertexModelMonitoringMonitoring", name, {}, opts)
        if (args.template_repository_id is None) != (args.pipeline_root_uri is None):
            raise ValueError("template_repository_id and pipeline_root_uri go together")
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)

        channel = None
        if args.alert_email is not None:
            # `labels` configures the channel (its address); `user_labels` tag it.
            channel = gcp.monitoring.NotificationChannel(
                f"{name}-alert-email", project=args.project, type="email",
                display_name=f"opsblocks {name}: {args.alert_email}",
                labels={"email_address": args.alert_email}, user_labels=labels,
                opts=child)  # fmt: skip
        channels = [channel.name] if channel is not None else []

        policies = [
            self._policy(
                f"{name}-errors", args, channels,
                title=f"More than {args.max_errors_per_5min} prediction errors in 5 minutes",
                metric=ERROR_COUNT, aligner="ALIGN_SUM", reducer="REDUCE_SUM",
                threshold=args.max_errors_per_5min, duration="0s",
            ),
            self._policy(
                f"{name}-latency-p99", args, channels,
                title=f"Prediction latency p99 above {args.latency_p99_ms} ms",
                # Max over deployed models and latency types: the slowest total latency.
                metric=LATENCIES, aligner="ALIGN_PERCENTILE_99", reducer="REDUCE_MAX",
                # Three slow windows in a row: one slow burst (a cold start) does not page.
                threshold=args.latency_p99_ms, duration="900s",
            ),
        ]  # fmt: skip
        policy_names = [policy.name for policy in policies]
        dashboard = gcp.monitoring.Dashboard(
            f"{name}-dashboard", project=args.project, opts=child,
            dashboard_json=pulumi.Output.all(args.endpoint_id, *policy_names).apply(
                lambda found: dashboard_json(f"opsblocks {name}", found[0], found[1:])),
        )  # fmt: skip

        account, grants = self._identity(name, args)
        if args.template_repository_id is not None and args.pipeline_root_uri is not None:
            self._drift_check(name, args, args.template_repository_id, args.pipeline_root_uri,
                              account, grants)  # fmt: skip

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

    def _policy(self, name: str, args: GcpVertexModelMonitoringMonitoringArgs,
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

    def _identity(
        self, name: str, args: GcpVertexModelMonitoringMonitoringArgs
    ) -> tuple[gcp.serviceaccount.Account, list[pulumi.Resource]]:
        """The drift checks' service account and its grants: read the log, run pipelines."""
        child = pulumi.ResourceOptions(parent=self)
        account = gcp.serviceaccount.Account(f"{name}-identity", project=args.project,
                                             account_id=args.service_account_id,
                                             display_name=f"opsblocks {name}: drift checks",
                                             opts=child)  # fmt: skip
        member = pulumi.Output.concat("serviceAccount:", account.email)
        grants: list[pulumi.Resource] = [
            dataset_reader(
                f"{name}-read-predictions",
                project=args.project,
                dataset_id=pulumi.Output.from_input(args.prediction_log_table).apply(dataset_of),
                service_account_email=account.email,
                parent=self,
            )
        ]
        # Project-level, because GCP offers nothing narrower: pipeline jobs and BigQuery query
        # jobs are created under the project and exist only once started, so no resource-level
        # grant can precede them. Data access stays limited to the dataset above.
        grants += [
            gcp.projects.IAMMember(f"{name}-{grant}", project=args.project, role=f"roles/{role}",
                                   member=member, opts=child)
            for role, grant in (("aiplatform.user", "run-pipelines"), ("bigquery.jobUser", "query"))
        ]  # fmt: skip
        # A pipeline run names the account it runs as: the caller needs actAs on it. The
        # scheduled run calls as the account itself, so it may act as itself, and nobody else.
        grants.append(
            gcp.serviceaccount.IAMMember(f"{name}-act-as-itself", service_account_id=account.name,
                                         role="roles/iam.serviceAccountUser", member=member,
                                         opts=child)
        )  # fmt: skip
        return account, grants

    def _drift_check(self, name: str, args: GcpVertexModelMonitoringMonitoringArgs,
                     template_repository_id: pulumi.Input[str],
                     pipeline_root_uri: pulumi.Input[str], account: gcp.serviceaccount.Account,
                     grants: list[pulumi.Resource]) -> None:  # fmt: skip
        """Cloud Scheduler starts a drift-check pipeline run on `drift_schedule`."""
        child = pulumi.ResourceOptions(parent=self)
        member = pulumi.Output.concat("serviceAccount:", account.email)
        root = pulumi.Output.from_input(pipeline_root_uri)
        # Reads the template: from the training capability's template repository only.
        template_grant = gcp.artifactregistry.RepositoryIamMember(
            f"{name}-read-templates", project=args.project, location=args.region,
            repository=template_repository_id, role="roles/artifactregistry.reader",
            member=member, opts=child)  # fmt: skip
        # Writes the run's outputs (overwriting them on a retry): on the pipeline-root bucket only.
        bucket_grant = gcp.storage.BucketIAMMember(f"{name}-pipeline-root",
                                                   bucket=root.apply(bucket_of),
                                                   role="roles/storage.objectUser", member=member,
                                                   opts=child)  # fmt: skip
        run = pulumi.Output.all(
            template_uri=pulumi.Output.all(args.project, template_repository_id).apply(
                lambda found: template_uri(
                    template_repository_url(args.region, found[0], found[1]), DRIFT_TEMPLATE
                )
            ),
            pipeline_root_uri=root, prediction_table=args.prediction_log_table,
            service_account=account.email, kms_key_id=args.kms_key_id,
        )  # fmt: skip
        gcp.cloudscheduler.Job(
            f"{name}-drift-check",
            project=args.project,
            region=args.region,
            description=f"opsblocks {name}: starts a drift-check pipeline run",
            schedule=args.drift_schedule,
            time_zone="Etc/UTC",
            http_target=gcp.cloudscheduler.JobHttpTargetArgs(
                uri=pulumi.Output.from_input(args.project).apply(
                    lambda project: pipeline_jobs_url(project, args.region)
                ),
                http_method="POST",
                headers={"Content-Type": "application/json"},
                body=run.apply(
                    lambda known: drift_run_body(
                        **known, drift_threshold=args.drift_threshold, labels=args.labels
                    )
                ),
                oauth_token=gcp.cloudscheduler.JobHttpTargetOauthTokenArgs(
                    service_account_email=account.email, scope=CLOUD_PLATFORM
                ),
            ),
            # Creating a run is not idempotent: a retried request could start two runs.
            retry_config=gcp.cloudscheduler.JobRetryConfigArgs(retry_count=0),
            # The first run must find the account's permissions in place.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*grants, template_grant, bucket_grant]
            ),
        )
