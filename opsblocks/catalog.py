"""The capability matrix: (cloud, capability, tool) -> component class, loaded lazily.

Only import paths live here, so listing or validating tools never imports a cloud SDK; a
component module (and with it its SDK) is imported the first time a blueprint uses it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from opsblocks.errors import OpsblocksError
from opsblocks.model import Capability, Cloud
from opsblocks.options import aws, azure, gcp


@dataclass(frozen=True)
class Tool:
    cloud: Cloud
    capability: Capability
    name: str
    description: str
    component: str
    """Import path `module:Class`; the Args dataclass is `module:ClassArgs`."""
    options: type[BaseModel]

    def load(self) -> tuple[type[Any], type[Any]]:
        """The component class and its Args dataclass."""
        return load_component(self.component)


@dataclass(frozen=True)
class Foundation:
    cloud: Cloud
    component: str

    def load(self) -> tuple[type[Any], type[Any]]:
        return load_component(self.component)


TOOLS: tuple[Tool, ...] = (
    Tool(
        Cloud.aws, Capability.data, "s3",
        "S3 data lake (raw, curated) with KMS, versioning, lifecycle; Glue catalog and crawler",
        "components.aws.s3_data:AwsS3Data", aws.S3DataOptions,
    ),
    Tool(
        Cloud.aws, Capability.registry, "sagemaker-model-registry",
        "SageMaker model package group, ECR repository (scan on push, immutable), artifact bucket",
        "components.aws.sagemaker_registry:AwsSagemakerModelRegistry",
        aws.SageMakerModelRegistryOptions,
    ),
    Tool(
        Cloud.aws, Capability.training, "sagemaker-pipelines",
        "SageMaker Pipeline (process, train, evaluate, gate, register) in private subnets",
        "components.aws.sagemaker_pipelines:AwsSagemakerPipelinesTraining",
        aws.SageMakerPipelinesOptions,
    ),
    Tool(
        Cloud.aws, Capability.serving, "sagemaker-endpoint",
        "SageMaker real-time endpoint with KMS, data capture and auto-scaling",
        "components.aws.sagemaker_endpoint:AwsSagemakerEndpointServing",
        aws.SageMakerEndpointOptions,
    ),
    Tool(
        Cloud.aws, Capability.validation, "sagemaker-quality-gate",
        "Metric threshold as the pipeline's condition step; approval; EventBridge -> SNS",
        "components.aws.sagemaker_quality_gate:AwsSagemakerQualityGateValidation",
        aws.SageMakerQualityGateOptions,
    ),
    Tool(
        Cloud.aws, Capability.monitoring, "sagemaker-model-monitor",
        "Model Monitor data-quality schedule, CloudWatch alarms and dashboard, SNS e-mail",
        "components.aws.sagemaker_model_monitor:AwsSagemakerModelMonitorMonitoring",
        aws.SageMakerModelMonitorOptions,
    ),
    Tool(
        Cloud.aws, Capability.cicd, "codepipeline",
        "CodePipeline V2 from GitHub/GitLab/Bitbucket: test, train, approve, deploy",
        "components.aws.codepipeline:AwsCodepipelineCicd",
        aws.CodePipelineOptions,
    ),
    Tool(
        Cloud.azure, Capability.data, "adls",
        "ADLS Gen2 data lake (raw, curated): TLS 1.2, no shared keys, soft delete, CMK in prod",
        "components.azure.adls_data:AzureAdlsData", azure.AdlsOptions,
    ),
    Tool(
        Cloud.azure, Capability.registry, "azureml-registry",
        "Azure ML registry (models, environments) and a container registry without admin user",
        "components.azure.azureml_registry:AzureMlRegistry", azure.AzureMlRegistryOptions,
    ),
    Tool(
        Cloud.azure, Capability.training, "azureml",
        "Azure ML workspace (managed network), datastores, cluster scaling to 0, compute instance",
        "components.azure.azureml_training:AzureMlTraining", azure.AzureMlOptions,
    ),
    Tool(
        Cloud.azure, Capability.serving, "azureml-online-endpoint",
        "Managed online endpoint with Entra ID token auth, data collection, auto-scaling",
        "components.azure.azureml_online_endpoint:AzureMlOnlineEndpointServing",
        azure.AzureMlOnlineEndpointOptions,
    ),
    Tool(
        Cloud.azure, Capability.validation, "azureml-quality-gate",
        "Threshold compiled into a scheduled evaluation pipeline; failed runs alert",
        "components.azure.azureml_quality_gate:AzureMlQualityGateValidation",
        azure.AzureMlQualityGateOptions,
    ),
    Tool(
        Cloud.azure, Capability.monitoring, "azureml-model-monitor",
        "Model monitor (data and prediction drift), latency and error alerts, e-mail",
        "components.azure.azureml_model_monitor:AzureMlModelMonitorMonitoring",
        azure.AzureMlModelMonitorOptions,
    ),
    Tool(
        Cloud.azure, Capability.cicd, "azure-devops",
        "Azure DevOps project, repository, pipeline; train and deploy connections, approval",
        "components.azure.azure_devops:AzureDevopsCicd", azure.AzureDevopsOptions,
    ),
    Tool(
        Cloud.azure, Capability.cicd, "github-actions",
        "GitHub Actions: federated train and deploy identities, deploy in a protected environment",
        "components.azure.github_actions:AzureGithubActionsCicd", azure.GithubActionsOptions,
    ),
    Tool(
        Cloud.gcp, Capability.data, "gcs-bigquery",
        "Cloud Storage data lake (raw, curated) with CMEK, versioning; BigQuery dataset",
        "components.gcp.gcs_bigquery:GcpGcsBigqueryData", gcp.GcsBigQueryOptions,
    ),
    Tool(
        Cloud.gcp, Capability.registry, "vertex-model-registry",
        "Artifact Registry (CMEK, immutable tags, cleanup), Vertex ML Metadata, artifact bucket",
        "components.gcp.vertex_registry:GcpVertexModelRegistry", gcp.VertexModelRegistryOptions,
    ),
    Tool(
        Cloud.gcp, Capability.training, "vertex-pipelines",
        "Vertex AI Pipelines on a schedule, dedicated service account, TensorBoard, Workbench",
        "components.gcp.vertex_pipelines:GcpVertexPipelinesTraining", gcp.VertexPipelinesOptions,
    ),
    Tool(
        Cloud.gcp, Capability.serving, "vertex-endpoint",
        "Vertex AI endpoint (CMEK, private in prod) with request-response logging",
        "components.gcp.vertex_endpoint:GcpVertexEndpointServing", gcp.VertexEndpointOptions,
    ),
    Tool(
        Cloud.gcp, Capability.validation, "vertex-quality-gate",
        "Metric threshold as the scheduled pipeline run's parameters; failed runs alert",
        "components.gcp.vertex_quality_gate:GcpVertexQualityGateValidation",
        gcp.VertexQualityGateOptions,
    ),
    Tool(
        Cloud.gcp, Capability.monitoring, "vertex-model-monitoring",
        "Alert policies on errors and latency, e-mail channel, dashboard, scheduled drift check",
        "components.gcp.vertex_monitoring:GcpVertexModelMonitoringMonitoring",
        gcp.VertexModelMonitoringOptions,
    ),
    Tool(
        Cloud.gcp, Capability.cicd, "cloud-build",
        "Cloud Build on a 2nd-gen GitHub connection: test, train, approved deploy",
        "components.gcp.cloud_build:GcpCloudBuildCicd", gcp.CloudBuildOptions,
    ),
    Tool(
        Cloud.gcp, Capability.cicd, "github-actions",
        "Workload Identity Federation for GitHub Actions, bound to a deploy service account",
        "components.gcp.github_actions:GcpGithubActionsCicd", gcp.GithubActionsOptions,
    ),
)  # fmt: skip

FOUNDATIONS: dict[Cloud, Foundation] = {
    Cloud.aws: Foundation(Cloud.aws, "components.aws.foundation:AwsFoundation"),
    Cloud.azure: Foundation(Cloud.azure, "components.azure.foundation:AzureFoundation"),
    Cloud.gcp: Foundation(Cloud.gcp, "components.gcp.foundation:GcpFoundation"),
}


def tools(cloud: Cloud | None = None, capability: Capability | None = None) -> list[Tool]:
    return [
        t
        for t in TOOLS
        if (cloud is None or t.cloud == cloud)
        and (capability is None or t.capability == capability)
    ]


def tool_names(cloud: Cloud, capability: Capability) -> list[str]:
    return [t.name for t in tools(cloud, capability)]


def find(cloud: Cloud, capability: Capability, name: str) -> Tool:
    for t in tools(cloud, capability):
        if t.name == name:
            return t
    raise OpsblocksError(
        f"'{name}' is not a {capability} tool on {cloud} "
        f"(choose: {', '.join(tool_names(cloud, capability)) or 'none yet'})"
    )


def foundation(cloud: Cloud) -> Foundation:
    try:
        return FOUNDATIONS[cloud]
    except KeyError:
        raise OpsblocksError(f"{cloud} has no components yet") from None


@cache
def load_component(path: str) -> tuple[type[Any], type[Any]]:
    module_name, class_name = path.split(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name), getattr(module, f"{class_name}Args")
