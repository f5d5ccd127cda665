"""Training capability on AWS: a SageMaker Pipeline and the role its jobs run as.

The pipeline (process -> train -> evaluate -> quality gate -> register, see
`definition.py`) runs every job in the foundation's private subnets, encrypted with the
platform key, and registers models into this blueprint's model package group.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.sagemaker_pipelines.definition import build_definition
from components.aws.sagemaker_pipelines.options import SageMakerPipelinesOptions
from components.aws.shared import iam
from components.aws.shared.sagemaker_access import (
    DEFAULT_IMAGE_REPOSITORY,
    DEFAULT_IMAGE_TAG,
    pull_images,
    repository_of,
    run_jobs_in_vpc,
)

PIPELINE_JOBS = (
    "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob",
    "sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob",
    "sagemaker:StopProcessingJob", "sagemaker:AddTags",
)  # fmt: skip
MODEL_REGISTRATION = (
    "sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:AddTags",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AwsSagemakerPipelinesTrainingArgs:
    tags: Mapping[str, str]
    subnet_ids: pulumi.Input[Sequence[str]]
    """Private subnets every job runs in."""
    security_group_id: pulumi.Input[str]
    region: str
    kms_key_arn: pulumi.Input[str]
    """Encrypts job volumes, outputs and model artifacts."""
    pipeline_name: str
    data_bucket_arns: Sequence[pulumi.Input[str]]
    """Buckets the jobs may read."""
    data_uri: pulumi.Input[str]
    """Default input of the processing step (pipeline parameter InputDataUri)."""
    artifact_bucket_arn: pulumi.Input[str]
    artifact_uri: pulumi.Input[str]
    """Root of the code, per-execution outputs and model artifacts."""
    model_package_group_name: pulumi.Input[str]
    model_package_group_arn: pulumi.Input[str]
    repository_arn: pulumi.Input[str]
    """ECR repository of the blueprint's own images; the role may pull from it."""
    quality_metric: str | None = None
    """Metric of evaluation.json the condition step checks; None: no gate, always register."""
    quality_threshold: float | None = None
    quality_direction: str = "maximize"
    model_approval_status: str = "PendingManualApproval"
    options: SageMakerPipelinesOptions = field(default_factory=SageMakerPipelinesOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AwsSagemakerPipelinesTraining(pulumi.ComponentResource):
    role_arn: pulumi.Output[str]
    """Execution role of the pipeline and of every job it starts."""
    role_name: pulumi.Output[str]
    pipeline_name: pulumi.Output[str]
    pipeline_arn: pulumi.Output[str]
    """What CI/CD starts (sagemaker:StartPipelineExecution) to train a new model."""

    def __init__(
        self,
        name: str,
        args: AwsSagemakerPipelinesTrainingArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AwsSagemakerPipelinesTraining", name, {}, opts)
        tags = dict(args.tags)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        image: pulumi.Input[str] = (
            args.options.image_uri
            if args.options.image_uri is not None
            else aws.sagemaker.get_prebuilt_ecr_image_output(
                repository_name=DEFAULT_IMAGE_REPOSITORY,
                image_tag=DEFAULT_IMAGE_TAG,
                opts=pulumi.InvokeOutputOptions(parent=self),
            ).registry_path
        )

        role, policy = iam.service_role(
            f"{name}-role",
            "sagemaker.amazonaws.com",
            # The policy lets the pipeline pass this very role to its jobs.
            lambda role: _execution_policy(args, account_id, role.arn, image),
            tags,
            parent=self,
            description=f"opsblocks {name}: SageMaker Pipeline {args.pipeline_name} and its jobs",
        )
        pipeline = aws.sagemaker.Pipeline(
            f"{name}-pipeline",
            pipeline_name=args.pipeline_name,
            pipeline_display_name=args.pipeline_name,
            pipeline_description=f"opsblocks {name}: process, train, evaluate, gate, register",
            role_arn=role.arn,
            pipeline_definition=_definition(args, role.arn, image),
            tags=tags,
            # A run started right after `pulumi up` must find the role's permissions in place.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )

        self.role_arn = role.arn
        self.role_name = role.name
        self.pipeline_name = pipeline.pipeline_name
        self.pipeline_arn = pipeline.arn
        self.register_outputs(
            {
                "role_arn": self.role_arn,
                "role_name": self.role_name,
                "pipeline_name": self.pipeline_name,
                "pipeline_arn": self.pipeline_arn,
            }
        )


def _execution_policy(
    args: AwsSagemakerPipelinesTrainingArgs,
    account_id: pulumi.Output[str],
    role_arn: pulumi.Output[str],
    image: pulumi.Input[str],
) -> pulumi.Output[str]:
    """What the pipeline and its jobs may do: this blueprint's buckets, key, images, group."""
    partition = iam.aws_partition(args.region)

    def regional(service: str, resource: str) -> pulumi.Output[str]:
        prefix = f"arn:{partition}:{service}:{args.region}:"
        return pulumi.Output.concat(prefix, account_id, f":{resource}")

    # Pipelines names its jobs pipelines-<execution id>-<step>-<suffix>.
    jobs = [regional("sagemaker", f"{kind}-job/pipelines-*") for kind in ("training", "processing")]
    packages = pulumi.Output.from_input(args.model_package_group_arn).apply(_model_packages)
    return iam.document(
        iam.read_buckets(args.data_bucket_arns),
        iam.write_buckets([args.artifact_bucket_arn]),
        *iam.use_key(args.kms_key_arn),
        *pull_images([args.repository_arn, repository_of(image, partition)]),
        iam.allow(PIPELINE_JOBS, jobs),
        iam.allow(MODEL_REGISTRATION, [args.model_package_group_arn, packages]),
        # Repository code runs as this role (training and processing containers): it may
        # register models only with the status the blueprint gives the pipeline's register
        # step, so it cannot register one as Approved and skip the approval.
        iam.allow(
            ["sagemaker:CreateModelPackage"],
            [args.model_package_group_arn, packages],
            Condition={
                "StringEquals": {"sagemaker:ModelApprovalStatus": args.model_approval_status}
            },
        ),
        iam.allow(
            ["iam:PassRole"],
            [role_arn],
            Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
        iam.write_logs(args.region, account_id),
        run_jobs_in_vpc(),
        iam.allow(
            ["cloudwatch:PutMetricData"],
            ["*"],
            Condition={"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}},
        ),
    )


def _definition(
    args: AwsSagemakerPipelinesTrainingArgs, role_arn: pulumi.Output[str], image: pulumi.Input[str]
) -> pulumi.Output[str]:
    """The pipeline definition as JSON, once the ARNs and URIs it names are known."""
    deployed = pulumi.Output.all(
        role_arn=role_arn,
        training_image_uri=image,
        processing_image_uri=image,
        data_uri=args.data_uri,
        artifact_uri=args.artifact_uri,
        kms_key_id=args.kms_key_arn,
        subnet_ids=args.subnet_ids,
        security_group_id=args.security_group_id,
        model_package_group_name=args.model_package_group_name,
    )
    return deployed.apply(
        lambda known: json.dumps(
            build_definition(
                **known,
                instance_type=args.options.instance_type,
                instance_count=args.options.instance_count,
                processing_instance_type=args.options.processing_instance_type,
                volume_size_gb=args.options.volume_size_gb,
                max_runtime_hours=args.options.max_runtime_hours,
                hyperparameters=args.options.hyperparameters,
                model_approval_status=args.model_approval_status,
                quality_metric=args.quality_metric,
                quality_threshold=args.quality_threshold,
                quality_direction=args.quality_direction,
            ),
            sort_keys=True,
        )
    )


def _model_packages(model_package_group_arn: str) -> str:
    """arn:...:model-package-group/<group> -> arn:...:model-package/<group>/* (its versions)."""
    return model_package_group_arn.replace(":model-package-group/", ":model-package/") + "/*"
