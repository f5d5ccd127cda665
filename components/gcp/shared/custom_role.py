"""A project-level custom role granted to one member: for Vertex AI, which has no IAM below the
project on jobs, models or endpoints, the only way to grant less than a predefined role.

Custom role ids are unique per project and stay reserved for a while after deletion, so the id
is derived from the account it serves and never changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_gcp as gcp

# What a run does as the pipeline account (Vertex AI Pipelines, "configure a service account
# with granular permissions"; permission names from the aiplatform permission reference): start
# the run, run its custom jobs, record its lineage in ML Metadata, register the model that
# passes the gate and log to TensorBoard. Nothing on endpoints: deploying is the approved
# deploy build's alone; and no delete.
PIPELINE_RUN_BASICS = (
    "aiplatform.pipelineJobs.create", "aiplatform.pipelineJobs.get",
    "aiplatform.metadataStores.get",
    "aiplatform.customJobs.create", "aiplatform.customJobs.get", "aiplatform.customJobs.cancel",
    "aiplatform.artifacts.create", "aiplatform.artifacts.get", "aiplatform.artifacts.list",
    "aiplatform.artifacts.update",
    "aiplatform.executions.create", "aiplatform.executions.get", "aiplatform.executions.list",
    "aiplatform.executions.update", "aiplatform.executions.addExecutionEvents",
    "aiplatform.contexts.create", "aiplatform.contexts.get", "aiplatform.contexts.list",
    "aiplatform.contexts.update", "aiplatform.contexts.addContextArtifactsAndExecutions",
    "aiplatform.contexts.addContextChildren",
)  # fmt: skip
"""Start a run, run its custom jobs and record its lineage: what every pipeline run needs."""
PIPELINE_RUN_PERMISSIONS = (
    *PIPELINE_RUN_BASICS,
    # Registering: a new model (or version), then reading it back (and its upload operation).
    "aiplatform.models.upload", "aiplatform.models.get", "aiplatform.models.list",
    "aiplatform.tensorboards.get",
    "aiplatform.tensorboardExperiments.create", "aiplatform.tensorboardExperiments.get",
    "aiplatform.tensorboardExperiments.write",
    "aiplatform.tensorboardRuns.create", "aiplatform.tensorboardRuns.get",
    "aiplatform.tensorboardRuns.write",
    "aiplatform.tensorboardTimeSeries.create", "aiplatform.tensorboardTimeSeries.batchCreate",
    "aiplatform.tensorboardTimeSeries.get", "aiplatform.tensorboardTimeSeries.list",
)  # fmt: skip


def custom_role_id(account_id: str, duty: str = "pipelines") -> str:
    """A custom role id (letters, digits, `_`, `.`) from an account id (letters, digits, `-`)."""
    return f"{account_id.replace('-', '_')}_{duty}"


def project_custom_role(
    role_name: str,
    grant_name: str,
    *,
    project: pulumi.Input[str],
    role_id: str,
    title: str,
    permissions: Sequence[str],
    member: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> tuple[gcp.projects.IAMCustomRole, gcp.projects.IAMMember]:
    """Role `role_name` with exactly `permissions`, and its grant `grant_name` to `member`."""
    role = gcp.projects.IAMCustomRole(
        role_name,
        project=project,
        role_id=role_id,
        title=title,
        permissions=list(permissions),
        opts=opts,
    )
    grant = gcp.projects.IAMMember(
        grant_name, project=project, role=role.name, member=member, opts=opts
    )
    return role, grant
