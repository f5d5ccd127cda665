"""IAM policies of the CI/CD pipeline: what the builds and the pipeline itself may do.

Plain functions of their inputs, so each permission is visible in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from components.aws import iam

ECR_PUSH_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                         "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
                         "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
                         "ecr:DescribeImages")  # fmt: skip
DEPLOY_ACTIONS = ("sagemaker:CreateModel", "sagemaker:CreateEndpointConfig",
                  "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint",
                  "sagemaker:DescribeEndpoint", "sagemaker:AddTags")  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DeployTarget:
    """The endpoint the deploy stage creates or updates, and what it needs to do so."""

    endpoint_name: pulumi.Input[str]
    serving_role_arn: pulumi.Input[str]
    serving_parameter_name: pulumi.Input[str]


def deploy_target(
    endpoint_name: pulumi.Input[str] | None,
    serving_role_arn: pulumi.Input[str] | None,
    serving_parameter_name: pulumi.Input[str] | None,
) -> DeployTarget | None:
    """None without an endpoint; an endpoint comes with its role and settings, or not at all."""
    if endpoint_name is None:
        return None
    if serving_role_arn is None or serving_parameter_name is None:
        raise ValueError("endpoint_name needs serving_role_arn and serving_parameter_name")
    return DeployTarget(endpoint_name=endpoint_name, serving_role_arn=serving_role_arn,
                        serving_parameter_name=serving_parameter_name)  # fmt: skip


def build_role_policy(
    *,
    region: str,
    partition: str,
    account_id: pulumi.Input[str],
    artifact_bucket_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
    repository_arn: pulumi.Input[str],
    training_pipeline_arn: pulumi.Input[str],
    model_package_group_arn: pulumi.Input[str],
    model_artifact_bucket_arn: pulumi.Input[str],
    deploy: DeployTarget | None,
) -> pulumi.Output[str]:
    """Test, build and push the image, run the training pipeline, and deploy when asked to."""
    statements = [
        iam.write_buckets([artifact_bucket_arn]),
        iam.use_key(kms_key_arn),
        iam.allow(["logs:CreateLogStream", "logs:PutLogEvents"],
                  [pulumi.Output.concat(log_group_arn, ":*")]),
        # GetAuthorizationToken is account-wide: AWS accepts no resource but "*".
        iam.allow(["ecr:GetAuthorizationToken"], ["*"]),
        iam.allow(ECR_PUSH_PULL_ACTIONS, [repository_arn]),
        # The train stage uploads the pipeline's scripts, one folder per commit.
        iam.allow(["s3:PutObject", "s3:GetObject"],
                  [pulumi.Output.concat(model_artifact_bucket_arn, "/code/*")]),
        iam.allow(["s3:ListBucket"], [model_artifact_bucket_arn],
                  Condition={"StringLike": {"s3:prefix": ["code/*"]}}),
        # code/latest/ mirrors the last trained commit: scripts removed from it are removed.
        iam.allow(["s3:DeleteObject"],
                  [pulumi.Output.concat(model_artifact_bucket_arn, "/code/latest/*")]),
        iam.allow(["sagemaker:StartPipelineExecution", "sagemaker:DescribePipelineExecution"],
                  [training_pipeline_arn,
                   pulumi.Output.concat(training_pipeline_arn, "/execution/*")]),
    ]  # fmt: skip
    if deploy is not None:
        statements += _deploy_statements(region, partition, account_id, model_package_group_arn,
                                         deploy)  # fmt: skip
    return iam.document(*statements)


def _deploy_statements(
    region: str,
    partition: str,
    account_id: pulumi.Input[str],
    model_package_group_arn: pulumi.Input[str],
    deploy: DeployTarget,
) -> list[iam.Statement]:
    sagemaker = pulumi.Output.concat(f"arn:{partition}:sagemaker:{region}:", account_id, ":")
    # SageMaker ARNs carry names in lowercase.
    endpoint = pulumi.Output.from_input(deploy.endpoint_name).apply(str.lower)
    # arn:...:model-package-group/<group> -> arn:...:model-package/<group>/<version>
    packages = pulumi.Output.from_input(model_package_group_arn).apply(
        lambda arn: arn.replace(":model-package-group/", ":model-package/") + "/*"
    )
    parameter = pulumi.Output.concat(
        f"arn:{partition}:ssm:{region}:", account_id, ":parameter/",
        pulumi.Output.from_input(deploy.serving_parameter_name).apply(lambda n: n.lstrip("/")),
    )  # fmt: skip
    return [
        # ListModelPackages has no resource-level permissions: AWS accepts only "*".
        iam.allow(["sagemaker:ListModelPackages"], ["*"]),
        iam.allow(["sagemaker:DescribeModelPackage"], [packages]),
        # Only this endpoint, and models and configurations named after it.
        iam.allow(DEPLOY_ACTIONS, [
            pulumi.Output.concat(sagemaker, "endpoint/", endpoint),
            pulumi.Output.concat(sagemaker, "endpoint-config/", endpoint, "-*"),
            pulumi.Output.concat(sagemaker, "model/", endpoint, "-*"),
        ]),
        iam.allow(["ssm:GetParameter"], [parameter]),
        iam.allow(["iam:PassRole"], [deploy.serving_role_arn],
                  Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
    ]  # fmt: skip


def pipeline_role_policy(
    *,
    artifact_bucket_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    connection_arn: pulumi.Input[str],
    project_arns: Sequence[pulumi.Input[str]],
) -> pulumi.Output[str]:
    """Move artifacts, read the repository through the connection, run the builds."""
    return iam.document(
        iam.write_buckets([artifact_bucket_arn]),
        iam.use_key(kms_key_arn),
        iam.allow(["codeconnections:UseConnection"], [connection_arn]),
        iam.allow(["codebuild:StartBuild", "codebuild:BatchGetBuilds"], project_arns),
    )
