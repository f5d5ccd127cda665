"""Alert policies on log entries, and the log filters of what the GCP platform runs.

A policy on a log-based metric created in the same `pulumi up` is refused with 404 "Cannot
find metric(s)" until the metric's descriptor exists, which takes up to minutes. A log-match
condition (`condition_matched_log`) needs no metric: it matches the log entries themselves.
Cloud Monitoring's constraints on it: it is the policy's only condition, and the policy must
set `alert_strategy.notification_rate_limit` (at most one notification per period).

Vertex AI Pipelines writes each run's events to the log `pipeline_job_events` on the
monitored resource `aiplatform.googleapis.com/PipelineJob`, labelled with the run's
`pipeline_job_id`; a failed run logs an ERROR (Cloud Logging's index of platform logs lists
this log, its resource, the entry label `pipeline_name` and the severities ERROR and INFO).
The platform starts its runs without an id; the REST API only says it then generates one
(the Vertex SDK's are `<pipeline name>-<timestamp>`). So a run of one pipeline is told from a
drift check by the entry's `pipeline_name` label or, failing that, by that id prefix.
Cloud Scheduler logs each attempt of a job on `cloud_scheduler_job`, labelled with its
`job_id`; a failed attempt logs an ERROR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_gcp as gcp

PIPELINE_JOB = "aiplatform.googleapis.com/PipelineJob"
PIPELINE_EVENTS = "aiplatform.googleapis.com/pipeline_job_events"
SCHEDULER_JOB = "cloud_scheduler_job"
NOTIFY_AT_MOST_EVERY = "300s"
"""Cloud Monitoring's smallest notification period for log-match policies (5 minutes)."""
AUTO_CLOSE = "1800s"
"""An incident with no new matching entry closes after 30 minutes (the smallest allowed)."""


def failed_runs_filter(pipeline_name: str) -> str:
    """ERROR events of the runs of one compiled pipeline, and of no other pipeline.

    Scheduled runs are `<pipeline>-<timestamp>`; the train build's are `<pipeline>-ci-...`.
    """
    return (
        f'resource.type="{PIPELINE_JOB}" AND log_id("{PIPELINE_EVENTS}") AND severity>=ERROR '
        f'AND (labels.pipeline_name="{pipeline_name}" '
        f'OR resource.labels.pipeline_job_id=~"^{pipeline_name}-[0-9]" '
        f'OR resource.labels.pipeline_job_id=~"^{pipeline_name}-ci-")'
    )


def failed_attempts_filter(job_ids: Sequence[str]) -> str:
    """Failed attempts of these Cloud Scheduler jobs (by job id, the last part of the name)."""
    wanted = " OR ".join(f'"{job_id.rsplit("/", 1)[-1]}"' for job_id in job_ids)
    return (
        f'resource.type="{SCHEDULER_JOB}" AND resource.labels.job_id=({wanted}) AND severity>=ERROR'
    )


def log_alert(
    name: str,
    *,
    project: pulumi.Input[str],
    title: pulumi.Input[str],
    log_filter: pulumi.Input[str],
    subject: pulumi.Input[str],
    content: pulumi.Input[str],
    channels: Sequence[pulumi.Input[str]],
    labels: Mapping[str, str],
    parent: pulumi.Resource,
) -> gcp.monitoring.AlertPolicy:
    """A policy that opens an incident on the first log entry matching `log_filter`."""
    monitoring = gcp.monitoring
    return monitoring.AlertPolicy(
        name,
        project=project,
        display_name=title,
        combiner="OR",
        conditions=[
            monitoring.AlertPolicyConditionArgs(
                display_name=title,
                condition_matched_log=monitoring.AlertPolicyConditionConditionMatchedLogArgs(
                    filter=log_filter
                ),
            )
        ],
        alert_strategy=monitoring.AlertPolicyAlertStrategyArgs(
            notification_rate_limit=monitoring.AlertPolicyAlertStrategyNotificationRateLimitArgs(
                period=NOTIFY_AT_MOST_EVERY
            ),
            auto_close=AUTO_CLOSE,
        ),
        documentation=monitoring.AlertPolicyDocumentationArgs(
            subject=subject, content=content, mime_type="text/markdown"
        ),
        notification_channels=list(channels),
        severity="ERROR",
        user_labels=dict(labels),
        opts=pulumi.ResourceOptions(parent=parent),
    )
