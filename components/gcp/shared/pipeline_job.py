"""What every caller of Vertex AI's pipelineJobs.create shares, as plain data: no Pulumi, no
cloud. The training schedule and the monitoring drift check start runs from templates in a KFP
repository by a Cloud Scheduler POST; the CI/CD train build uploads those templates."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
"""OAuth scope of the token Cloud Scheduler sends with a pipeline-run request."""


def template_repository_url(region: str, project: str, repository_id: str) -> str:
    """Host of a KFP-format Artifact Registry repository (what `kfp.registry` uploads to)."""
    return f"https://{region}-kfp.pkg.dev/{project}/{repository_id}"


def template_uri(repository_url: str, pipeline_name: str, tag: str = "latest") -> str:
    """The template a run starts from: the package named after the pipeline, at `tag`.

    The REST API takes only templates from Artifact Registry (not gs:// URIs); CI/CD compiles
    the pipeline under `pipeline_name` and uploads it with the tag `latest`.
    """
    return f"{repository_url}/{pipeline_name}/{tag}"


def pipelines_endpoint(region: str, project: str) -> str:
    """Vertex AI's pipelineJobs.create for the project and region."""
    return f"https://{region}-aiplatform.googleapis.com/v1/projects/{project}/locations/{region}/pipelineJobs"


def encoded_body(request: Mapping[str, Any]) -> str:
    """Cloud Scheduler takes an HTTP body base64-encoded."""
    return base64.b64encode(json.dumps(request, sort_keys=True).encode()).decode()
