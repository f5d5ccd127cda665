"""sagemaker-pipelines: a SageMaker Pipeline (process, train, evaluate, gate, register)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.sagemaker_pipelines.options import SageMakerPipelinesOptions
from opsblocks.contracts import QualityGate
from opsblocks.contracts.aws import AwsData, AwsModelRegistry, AwsPipeline, AwsTrainingImage
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: SageMakerPipelinesOptions) -> AwsPipeline:
    from components.aws.sagemaker_pipelines.component import (
        AwsSagemakerPipelinesTraining,
        AwsSagemakerPipelinesTrainingArgs,
    )

    data, registry = site.need(AwsData), site.need(AwsModelRegistry)
    # The validation tool's threshold, compiled into the pipeline's condition step.
    gate = site.get(QualityGate)
    training = AwsSagemakerPipelinesTraining(
        site.name,
        AwsSagemakerPipelinesTrainingArgs(
            tags=site.tags,
            **site.network,
            **site.common,
            pipeline_name=site.physical("training"),
            data_bucket_arns=[data.raw_bucket_arn, data.curated_bucket_arn],
            data_uri=data.data_uri,
            artifact_bucket_arn=registry.artifact_bucket_arn,
            artifact_uri=registry.artifact_uri,
            model_package_group_name=registry.model_package_group_name,
            model_package_group_arn=registry.model_package_group_arn,
            repository_arn=registry.repository_arn,
            quality_metric=gate.metric if gate else None,
            quality_threshold=gate.threshold if gate else None,
            quality_direction=gate.direction if gate else "maximize",
            model_approval_status=(
                "Approved" if gate and gate.automatic_approval else "PendingManualApproval"
            ),
            options=options,
        ),
        site.opts,
    )
    return AwsPipeline(pipeline=training.pipeline_name, pipeline_arn=training.pipeline_arn,
                       role_arn=training.role_arn)  # fmt: skip


def promises(options: SageMakerPipelinesOptions) -> tuple[AwsTrainingImage]:
    return (AwsTrainingImage(image_uri=options.image_uri),)


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.training,
    name="sagemaker-pipelines",
    description="SageMaker Pipeline (process, train, evaluate, gate, register) in private subnets",
    options=SageMakerPipelinesOptions,
    component="components.aws.sagemaker_pipelines.component:AwsSagemakerPipelinesTraining",
    build=build,
    gives=AwsPipeline,
    needs=(AwsData, AwsModelRegistry),
    uses=(QualityGate,),
    promises=promises,
    promised=(AwsTrainingImage,),
    names=(NameRule("IAM role", 64, "-training-role"),),
    main_types=("aws.sagemaker.Pipeline",),
)
