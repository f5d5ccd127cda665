"""Validation capability on AWS: who hears about the quality gate, and when.

The gate itself is enforced inside the training pipeline: this tool promises its metric,
threshold and direction (a QualityGate), which the training tool compiles into the pipeline's
condition step (see `sagemaker_pipelines/definition.py`), which registers the model only when
evaluation.json meets the bar and otherwise fails the execution. `approval` becomes the
approval status new model packages get (manual: PendingManualApproval). This component turns
both outcomes into notifications: a model package changing state in this blueprint's group,
and an execution of this blueprint's pipeline failing, are published to a KMS-encrypted SNS
topic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.sagemaker_quality_gate.options import SageMakerQualityGateOptions
from components.aws.shared import iam


@dataclass(frozen=True, kw_only=True)
class AwsSagemakerQualityGateValidationArgs:
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str]
    """Encrypts the topic; its key policy lets EventBridge publish to encrypted topics."""
    model_package_group_name: pulumi.Input[str]
    pipeline_name: pulumi.Input[str]
    alert_email: str | None = None
    """Subscribed to the topic when given (the address must confirm the subscription)."""
    options: SageMakerQualityGateOptions = field(default_factory=SageMakerQualityGateOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AwsSagemakerQualityGateValidation(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    """SNS topic of gate outcomes: registered model packages and failed pipeline runs."""

    def __init__(
        self,
        name: str,
        args: AwsSagemakerQualityGateValidationArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AwsSagemakerQualityGateValidation", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        # In words: "<" and ">" would read as placeholders in EventBridge input templates.
        bound = "at least" if args.options.direction == "maximize" else "at most"
        gate = f"{args.options.metric} {bound} {args.options.threshold:g}"

        topic = aws.sns.Topic(
            f"{name}-topic",
            display_name=f"{name} quality gate",
            kms_master_key_id=args.kms_key_arn,
            signature_version=2,
            tags=tags,
            opts=child,
        )
        registered = aws.cloudwatch.EventRule(
            f"{name}-model-registered",
            description=f"Model packages of this blueprint changing state (gate {gate} passed)",
            event_pattern=pulumi.Output.json_dumps(
                {
                    "source": ["aws.sagemaker"],
                    "detail-type": ["SageMaker Model Package State Change"],
                    "detail": {"ModelPackageGroupName": [args.model_package_group_name]},
                }
            ),
            state="ENABLED",
            tags=tags,
            opts=child,
        )
        failed = aws.cloudwatch.EventRule(
            f"{name}-pipeline-failed",
            description=f"Training runs of this blueprint failing (gate {gate} or a step error)",
            event_pattern=pulumi.Output.json_dumps(
                {
                    "source": ["aws.sagemaker"],
                    "detail-type": ["SageMaker Model Building Pipeline Execution Status Change"],
                    "detail": {
                        "currentPipelineExecutionStatus": ["Failed"],
                        # The event names the pipeline only by ARN, which ends in its name.
                        "pipelineArn": [
                            {"suffix": pulumi.Output.concat(":pipeline/", args.pipeline_name)}
                        ],
                    },
                }
            ),
            state="ENABLED",
            tags=tags,
            opts=child,
        )
        approval = (
            "waits for manual approval" if args.options.approval == "manual" else "is approved"
        )
        notifications = (
            ("model-registered", registered,
             {"group": "$.detail.ModelPackageGroupName", "package": "$.detail.ModelPackageArn",
              "status": "$.detail.ModelApprovalStatus"},
             f"Quality gate {gate} passed: model package <package> in <group> is now <status> "
             f"(a new model {approval})."),
            ("pipeline-failed", failed,
             {"pipeline": "$.detail.pipelineArn", "execution": "$.detail.pipelineExecutionArn"},
             f"Training run <execution> of <pipeline> failed: the model missed the quality gate "
             f"{gate} or a step errored; the execution's steps tell which."),
        )  # fmt: skip
        for role, rule, paths, message in notifications:
            aws.cloudwatch.EventTarget(
                f"{name}-{role}",
                rule=rule.name,
                arn=topic.arn,
                # A readable sentence instead of the raw event; the template must be JSON.
                input_transformer=aws.cloudwatch.EventTargetInputTransformerArgs(
                    input_paths=paths, input_template=json.dumps(message)
                ),
                opts=child,
            )
        aws.sns.TopicPolicy(
            f"{name}-topic",
            arn=topic.arn,
            policy=iam.document(
                {
                    "Sid": "OnlyThisGatesRulesPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic.arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": [registered.arn, failed.arn]}},
                }
            ),
            opts=child,
        )
        if args.alert_email is not None:
            aws.sns.TopicSubscription(
                f"{name}-email",
                topic=topic.arn,
                protocol="email",
                endpoint=args.alert_email,
                opts=child,
            )

        self.topic_arn = topic.arn
        self.register_outputs({"topic_arn": self.topic_arn})
