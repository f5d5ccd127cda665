"""sagemaker-endpoint: a real-time endpoint with KMS, data capture and auto-scaling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.sagemaker_endpoint.options import SageMakerEndpointOptions
from opsblocks.contracts import Released
from opsblocks.contracts.aws import AwsEndpoint, AwsModelRegistry, AwsTrainingImage
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: SageMakerEndpointOptions) -> AwsEndpoint:
    from components.aws.sagemaker_endpoint.component import (
        AwsSagemakerEndpointServing,
        AwsSagemakerEndpointServingArgs,
    )

    registry = site.need(AwsModelRegistry)
    training = site.get(AwsTrainingImage)
    serving = AwsSagemakerEndpointServing(
        site.name,
        AwsSagemakerEndpointServingArgs(
            tags=site.tags,
            **site.stores,
            **site.network,
            region=site.region,
            endpoint_name=site.physical(),
            artifact_bucket_arn=registry.artifact_bucket_arn,
            repository_arn=registry.repository_arn,
            # A CI/CD tool's deploy stage takes over the endpoint's configuration.
            released_by_cicd=site.get(Released) is not None,
            # The deploy stage serves the model packages training registers, with its image.
            training_image_uri=training.image_uri if training else None,
            options=options,
        ),
        site.opts,
    )
    return AwsEndpoint(
        endpoint=serving.endpoint_name,
        capture_uri=serving.capture_uri,
        capture_bucket_arn=serving.capture_bucket_arn,
        role_arn=serving.role_arn,
        deployed=serving.deployed,
        deploy_parameter_name=serving.deploy_parameter_name,
    )


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.serving,
    name="sagemaker-endpoint",
    description="SageMaker real-time endpoint with KMS, data capture and auto-scaling",
    options=SageMakerEndpointOptions,
    component="components.aws.sagemaker_endpoint.component:AwsSagemakerEndpointServing",
    build=build,
    gives=AwsEndpoint,
    needs=(AwsModelRegistry,),
    uses=(AwsTrainingImage, Released),
    names=(
        NameRule("SageMaker endpoint", 63, "-staging", autonamed=False),
        NameRule("S3 bucket", 63, "-serving-capture"),
        NameRule("IAM role", 64, "-serving-role"),
    ),
    main_types=(
        "aws.sagemaker.Endpoint",
        "aws.sagemaker.EndpointConfiguration",
        "aws.sagemaker.Model",
        "aws.ssm.Parameter",
        "aws.s3.Bucket",
    ),
    coverage={"model_data_url": "s3://opsblocks-models/fraud/model.tar.gz"},
)
