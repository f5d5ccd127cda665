"""What AWS tools give each other (see `opsblocks.contracts`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from opsblocks.contracts import (
    Cicd,
    Contract,
    Data,
    ImageRegistry,
    KubernetesHost,
    MlflowTracking,
    Monitoring,
    Serving,
    Training,
    Validation,
)

if TYPE_CHECKING:
    import pulumi

    from opsblocks.contracts import In, Out, StackOutputs


@dataclass(frozen=True, kw_only=True)
class AwsFoundation(Contract):
    """The network, key and access logs every tool shares."""

    kms_key_arn: Out
    access_log_bucket: Out
    vpc_id: Out
    subnet_ids: pulumi.Output[list[str]]
    """The private subnets jobs and endpoints run in."""
    private_route_table_ids: pulumi.Output[list[str]]
    """The private subnets' route tables, one per subnet in the same order."""
    vpc_cidr: str
    security_group_id: Out

    def outputs(self) -> StackOutputs:
        return {"kms_key_arn": self.kms_key_arn, "vpc_id": self.vpc_id}


@dataclass(frozen=True, kw_only=True)
class AwsData(Data):
    """Raw and curated S3 buckets and the Glue database that catalogues them."""

    raw_bucket: Out
    raw_bucket_arn: Out
    curated_bucket: Out
    curated_bucket_arn: Out
    glue_database: Out

    def outputs(self) -> StackOutputs:
        return {"raw_bucket": self.raw_bucket, "curated_bucket": self.curated_bucket,
                "data_uri": self.data_uri, "glue_database": self.glue_database}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AwsModelRegistry(ImageRegistry):
    """A SageMaker model package group, the ECR repository and the artifact bucket."""

    model_package_group_name: Out
    model_package_group_arn: Out
    repository_arn: Out
    artifact_bucket_arn: Out

    def outputs(self) -> StackOutputs:
        return {"model_package_group": self.model_package_group_name,
                "image_repository_url": self.image_repository,
                "model_artifact_uri": self.artifact_uri}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AwsMlflowTracking(MlflowTracking):
    """A SageMaker managed MLflow tracking server: `tracking_uri` is its ARN (clients use the
    `sagemaker-mlflow` plugin, which signs their requests), `artifact_uri` the S3 prefix its
    artifacts go to. Not a SageMaker model package group: tools that need `AwsModelRegistry`
    cannot use it."""

    tracking_server_arn: Out
    tracking_server_url: Out
    """The MLflow UI, opened through a presigned URL."""
    artifact_bucket_arn: Out
    role_arn: Out
    """The role the server works as."""
    client_policy_arn: Out
    """What a role using the server needs: MLflow on this server, the artifacts, the key."""

    def outputs(self) -> StackOutputs:
        return super().outputs() | {"mlflow_tracking_server_url": self.tracking_server_url,
                                    "mlflow_client_policy_arn": self.client_policy_arn}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AwsTrainingImage(Contract):
    """Promised by training: the image it trains with (None: the region's XGBoost image), which
    the model packages it registers are served with."""

    image_uri: str | None


@dataclass(frozen=True, kw_only=True)
class AwsPipeline(Training):
    """A SageMaker pipeline (`pipeline` is its name) and the role it runs as."""

    pipeline_arn: Out
    role_arn: Out

    def outputs(self) -> StackOutputs:
        return {"training_pipeline": self.pipeline, "training_role_arn": self.role_arn}


@dataclass(frozen=True, kw_only=True)
class AwsEndpoint(Serving):
    """A SageMaker endpoint (`endpoint` is its name) and where it captures requests."""

    capture_uri: Out
    capture_bucket_arn: Out
    role_arn: Out
    deployed: bool
    """Pulumi creates the endpoint (else the CI/CD deploy stage does)."""
    deploy_parameter_name: Out
    """The SSM parameter holding what the deploy stage creates endpoints with."""

    def outputs(self) -> StackOutputs:
        return {"endpoint_name": self.endpoint, "capture_uri": self.capture_uri}


@dataclass(frozen=True, kw_only=True)
class AwsGate(Validation):
    """The SNS topic the quality gate announces its decisions on."""

    topic_arn: Out

    def outputs(self) -> StackOutputs:
        return {"gate_topic_arn": self.topic_arn}


@dataclass(frozen=True, kw_only=True)
class AwsEndpointMonitoring(Monitoring):
    """The alert topic, the dashboard, and what an endpoint the CI/CD deploy stage creates
    needs for its Model Monitor schedule."""

    topic_arn: Out
    dashboard_url: Out
    schedule_parameter_name: Out | None
    """What the deploy stage gives an endpoint it creates: the schedule Pulumi cannot create."""
    schedule_role_arn: Out | None

    def outputs(self) -> StackOutputs:
        return {"alert_topic_arn": self.topic_arn, "dashboard_url": self.dashboard_url}


@dataclass(frozen=True, kw_only=True)
class AwsPipelineCicd(Cicd):
    """The CodePipeline pipelines and the connection to the model repository."""

    pipeline_name: Out
    connection_arn: Out
    release_pipeline_name: Out | None

    def outputs(self) -> StackOutputs:
        found: StackOutputs = {"cicd_pipeline": self.pipeline_name,
                               "git_connection_arn": self.connection_arn}  # fmt: skip
        if self.release_pipeline_name is not None:
            found["cicd_release_pipeline"] = self.release_pipeline_name
        return found


@dataclass(frozen=True, kw_only=True)
class AwsKubernetes(KubernetesHost):
    """An EKS cluster, created or existing. Pods get AWS roles through EKS Pod Identity: a
    role trusted by `pods.eks.amazonaws.com` and an association of cluster, namespace and
    service account (the cluster runs the Pod Identity Agent add-on)."""

    node_security_group_id: In | None
    """The security group the cluster's nodes (and so its pods) carry, which databases admit;
    None when not known (an existing cluster): databases then admit the foundation's network."""


@dataclass(frozen=True, kw_only=True)
class AwsPlatformKubernetes(AwsKubernetes):
    """An EKS cluster the blueprint creates in the platform's own VPC, so its pods reach the
    platform's private databases (an existing cluster runs in a network of its own)."""
