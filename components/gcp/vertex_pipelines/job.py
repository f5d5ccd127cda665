"""The scheduled Vertex AI pipeline run, as plain data: no Pulumi, no cloud.

Cloud Scheduler POSTs `scheduled_run(...)` to the Vertex AI REST API
(projects.locations.pipelineJobs.create) on every tick. The run's parameters are the contract
with the pipeline that CI/CD compiles and uploads: it must declare exactly these inputs
(Vertex rejects a parameter the pipeline does not declare):

    project, location, data_uri, dataset, artifact_uri, tensorboard, machine_type,
    hyperparameters (a dict) and, when the blueprint has a validation tool,
    quality_metric, quality_threshold, quality_direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.options import Hyperparameter


def network_name(project_number: str, network_id: str) -> str:
    """Vertex wants the network by project *number*: projects/<number>/global/networks/<name>."""
    return f"projects/{project_number}/global/networks/{network_id.rsplit('/', 1)[-1]}"


def quality_gate_parameters(
    metric: str | None, threshold: float | None, direction: str
) -> dict[str, Any]:
    """The validation tool's thresholds, passed to every run; none without a validation tool."""
    if metric is None:
        return {}
    if threshold is None:
        raise ValueError(f"quality gate on '{metric}' has no threshold")
    if direction not in ("maximize", "minimize"):
        raise ValueError(f"quality direction '{direction}' is not maximize or minimize")
    return {"quality_metric": metric, "quality_threshold": threshold,
            "quality_direction": direction}  # fmt: skip


def pipeline_job_request(
    *,
    display_name: str,
    template_uri: str,
    pipeline_root: str,
    parameters: Mapping[str, Any],
    kms_key_name: str,
    service_account: str,
    network: str,
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """A PipelineJob as the v1 REST API takes it."""
    return {
        "displayName": display_name,
        "templateUri": template_uri,
        "runtimeConfig": {
            "gcsOutputDirectory": pipeline_root,
            "parameterValues": dict(parameters),
        },
        "encryptionSpec": {"kmsKeyName": kms_key_name},
        "serviceAccount": service_account,
        "network": network,
        "labels": dict(labels),
    }


def scheduled_run(
    *,
    project: str,
    project_number: str,
    region: str,
    pipeline_name: str,
    template_uri: str,
    pipeline_root: str,
    data_uri: str,
    dataset_id: str,
    artifact_uri: str,
    tensorboard: str,
    machine_type: str,
    hyperparameters: Mapping[str, Hyperparameter],
    quality_gate: Mapping[str, Any],
    kms_key_name: str,
    service_account: str,
    network_id: str,
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The run Cloud Scheduler creates: the blueprint's data, sizes and gate as parameters."""
    parameters = {
        "project": project,
        "location": region,
        "data_uri": data_uri,
        "dataset": f"{project}.{dataset_id}",
        "artifact_uri": artifact_uri,
        "tensorboard": tensorboard,
        "machine_type": machine_type,
        "hyperparameters": dict(hyperparameters),
        **quality_gate,
    }
    return pipeline_job_request(
        display_name=pipeline_name,
        template_uri=template_uri,
        pipeline_root=pipeline_root,
        parameters=parameters,
        kms_key_name=kms_key_name,
        service_account=service_account,
        network=network_name(project_number, network_id),
        labels=labels,
    )
