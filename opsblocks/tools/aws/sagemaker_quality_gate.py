"""sagemaker-quality-gate: the metric threshold as the training pipeline's condition step, an
approval, and EventBridge rules that tell people what the gate decided."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.sagemaker_quality_gate.options import SageMakerQualityGateOptions
from opsblocks.contracts import Alerts, QualityGate
from opsblocks.contracts.aws import AwsGate, AwsModelRegistry, AwsPipeline
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: SageMakerQualityGateOptions) -> AwsGate:
    from components.aws.sagemaker_quality_gate.component import (
        AwsSagemakerQualityGateValidation,
        AwsSagemakerQualityGateValidationArgs,
    )

    alerts = site.get(Alerts)
    gate = AwsSagemakerQualityGateValidation(
        site.name,
        AwsSagemakerQualityGateValidationArgs(
            tags=site.tags,
            kms_key_arn=site.foundation.kms_key_arn,
            model_package_group_name=site.need(AwsModelRegistry).model_package_group_name,
            pipeline_name=site.need(AwsPipeline).pipeline,
            alert_email=alerts.email if alerts else None,
            options=options,
        ),
        site.opts,
    )
    return AwsGate(topic_arn=gate.topic_arn)


def promises(options: SageMakerQualityGateOptions) -> tuple[QualityGate]:
    return (QualityGate(metric=options.metric, threshold=options.threshold,
                        direction=options.direction,
                        automatic_approval=options.approval == "automatic"),)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.validation,
    name="sagemaker-quality-gate",
    description="Metric threshold as the pipeline's condition step; approval; EventBridge -> SNS",
    options=SageMakerQualityGateOptions,
    component="components.aws.sagemaker_quality_gate.component:AwsSagemakerQualityGateValidation",
    build=build,
    gives=AwsGate,
    needs=(AwsModelRegistry, AwsPipeline),
    uses=(Alerts,),
    promises=promises,
    promised=(QualityGate,),
    main_types=("aws.cloudwatch.EventRule", "aws.sns.Topic"),
    coverage={"approval": "automatic"},
)
