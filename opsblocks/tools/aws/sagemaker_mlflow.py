"""sagemaker-mlflow: a SageMaker managed MLflow tracking server, its artifact bucket, the role
it works as and the policy its clients attach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.sagemaker_mlflow.options import SageMakerMlflowOptions
from opsblocks.contracts.aws import AwsMlflowTracking
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: SageMakerMlflowOptions) -> AwsMlflowTracking:
    from components.aws.sagemaker_mlflow.component import (
        AwsSagemakerMlflowRegistry,
        AwsSagemakerMlflowRegistryArgs,
    )

    registry = AwsSagemakerMlflowRegistry(
        site.name,
        AwsSagemakerMlflowRegistryArgs(
            tags=site.tags,
            region=site.region,
            **site.stores,
            tracking_server_name=site.physical("mlflow"),
            options=options,
        ),
        site.opts,
    )
    return AwsMlflowTracking(
        tracking_uri=registry.tracking_server_arn,
        artifact_uri=registry.artifact_uri,
        tracking_server_arn=registry.tracking_server_arn,
        tracking_server_url=registry.tracking_server_url,
        artifact_bucket_arn=registry.artifact_bucket_arn,
        role_arn=registry.role_arn,
        client_policy_arn=registry.client_policy_arn,
    )


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.registry,
    name="sagemaker-mlflow",
    description="SageMaker managed MLflow tracking server (tracking and model registry), "
    "artifact bucket, client policy",
    options=SageMakerMlflowOptions,
    component="components.aws.sagemaker_mlflow.component:AwsSagemakerMlflowRegistry",
    build=build,
    proposed=False,
    gives=AwsMlflowTracking,
    names=(
        # CreateMlflowTrackingServer TrackingServerName: at most 256 characters.
        NameRule("SageMaker MLflow tracking server", 256, "-staging-mlflow", autonamed=False),
        NameRule("S3 bucket", 63, "-registry-artifacts"),
        NameRule("IAM role", 64, "-registry-server-role"),
    ),
    main_types=("aws.sagemaker.MlflowTrackingServer", "aws.s3.Bucket"),
    coverage={"automatic_model_registration": True},
)
