"""The completion events of the pipeline runs the Cloud Build train build starts.

Vertex AI Pipelines logs the events of every pipeline job (resource type
`aiplatform.googleapis.com/PipelineJob`, log `pipeline_job_events`). A log sink routes those
of the runs whose ids the train build chose to a Pub/Sub topic, which starts the
deploy trigger: no build waits for a run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp

from components.gcp.cloud_build import steps

PIPELINE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""Pipeline names (the blueprint's, as the tool module derives them): no character a regular
expression gives a meaning to."""


def runs_done_filter(pipeline_name: str) -> str:
    """Log entries of the runs the train build started (their ids name the pipeline).

    Only documented fields: the resource type, the log and the job id. The state lives in the
    undocumented payload, so the deploy build reads the run and checks its state itself. The
    name goes into the quoted regular expression unescaped (`\\-` is not documented there), so
    it must hold only lowercase letters, digits and hyphens.
    """
    if not PIPELINE_NAME.fullmatch(pipeline_name):
        raise ValueError(f"pipeline name {pipeline_name!r} must be lowercase letters, digits, '-'")
    return (
        'resource.type="aiplatform.googleapis.com/PipelineJob" '
        'AND log_id("aiplatform.googleapis.com/pipeline_job_events") '
        f'AND resource.labels.pipeline_job_id=~"^{steps.ci_job_prefix(pipeline_name)}"'
    )


def runs_done_topic(
    name: str,
    project: pulumi.Input[str],
    pipeline_name: pulumi.Input[str],
    kms_key_id: pulumi.Input[str],
    labels: Mapping[str, str],
    parent: pulumi.Resource,
) -> gcp.pubsub.Topic:
    """Topic `{name}-runs-done`, fed by the sink `{name}-runs-done`; children of `parent`.

    The topic stores its messages encrypted with the platform key: the foundation creates the
    Pub/Sub service agent and grants it the key before the key id resolves.
    """
    child = pulumi.ResourceOptions(parent=parent)
    topic = gcp.pubsub.Topic(
        f"{name}-runs-done", project=project, name=f"{name}-runs-done", labels=dict(labels),
        kms_key_name=kms_key_id, opts=child,
    )  # fmt: skip
    sink = gcp.logging.ProjectSink(
        f"{name}-runs-done",
        project=project,
        name=f"{name}-runs-done",
        description="Events of the pipeline runs started by the Cloud Build train build",
        destination=pulumi.Output.concat("pubsub.googleapis.com/", topic.id),
        filter=pulumi.Output.from_input(pipeline_name).apply(runs_done_filter),
        unique_writer_identity=True,
        opts=child,
    )
    # Only the sink publishes there: nothing else can start a deploy build.
    gcp.pubsub.TopicIAMMember(
        f"{name}-runs-done-publisher",
        project=project,
        topic=topic.name,
        role="roles/pubsub.publisher",
        member=sink.writer_identity,
        opts=child,
    )
    return topic
