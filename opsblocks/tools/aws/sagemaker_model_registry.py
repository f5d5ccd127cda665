"""sagemaker-model-registry: a model package group, an ECR repository, the artifact bucket."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.sagemaker_model_registry.options import SageMakerModelRegistryOptions
from opsblocks.contracts.aws import AwsModelRegistry
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: SageMakerModelRegistryOptions) -> AwsModelRegistry:
    from components.aws.sagemaker_model_registry.component import (
        AwsSagemakerModelRegistry,
        AwsSagemakerModelRegistryArgs,
    )

    registry = AwsSagemakerModelRegistry(
        site.name,
        AwsSagemakerModelRegistryArgs(
            tags=site.tags,
            **site.stores,
            options=options,
            model_package_group_name=site.physical("models"),
        ),
        site.opts,
    )
    return AwsModelRegistry(
        artifact_uri=registry.artifact_uri,
        image_repository=registry.repository_url,
        model_package_group_name=registry.model_package_group_name,
        model_package_group_arn=registry.model_package_group_arn,
        repository_arn=registry.repository_arn,
        artifact_bucket_arn=registry.artifact_bucket_arn,
    )


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.registry,
    name="sagemaker-model-registry",
    description="SageMaker model package group, ECR repository (scan on push, immutable), "
    "artifact bucket",
    options=SageMakerModelRegistryOptions,
    component="components.aws.sagemaker_model_registry.component:AwsSagemakerModelRegistry",
    build=build,
    gives=AwsModelRegistry,
    names=(
        NameRule("SageMaker model package group", 63, "-staging-models", autonamed=False),
        NameRule("S3 bucket", 63, "-registry-artifacts"),
    ),
    main_types=("aws.sagemaker.ModelPackageGroup", "aws.ecr.Repository", "aws.s3.Bucket"),
)
