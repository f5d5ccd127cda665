"""IAM policies of the CI/CD pipelines: one identity per stage, and what each may do.

Separation of duties: the test stage runs the repository's code (its tests, its
requirements) and may only read its input and write its logs; the train stage may publish
the image and the pipeline's scripts and start the training pipeline, nothing more; only
the deploy stage, which runs no repository code, may touch the endpoint. None of them may
approve a model package. Plain functions of their inputs, so each permission is visible in
one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from components.aws.shared import iam

ECR_PUSH_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                         "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
                         "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
                         "ecr:DescribeImages")  # fmt: skip
DEPLOY_ACTIONS = ("sagemaker:CreateModel", "sagemaker:CreateEndpointConfig",
                  "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint",
                  "sagemaker:DescribeEndpoint", "sagemaker:AddTags",
                  # Application Auto Scaling acts on the variant with the caller's rights.
                  "sagemaker:UpdateEndpointWeightsAndCapacities")  # fmt: skip
SCALING_ACTIONS = ("application-autoscaling:RegisterScalableTarget",
                   "application-autoscaling:DeregisterScalableTarget",
                   "application-autoscaling:PutScalingPolicy",
                   "application-autoscaling:TagResource")  # fmt: skip
# Describe calls of Application Auto Scaling and CloudWatch have no resource-level
# permissions: AWS accepts only Resource "*".
SCALING_DESCRIBE_ACTIONS = ("application-autoscaling:DescribeScalableTargets",
                            "application-autoscaling:DescribeScalingPolicies",
                            "cloudwatch:DescribeAlarms")  # fmt: skip
SCALING_SERVICE = "sagemaker.application-autoscaling.amazonaws.com"
SCALING_SERVICE_ROLE = (f"role/aws-service-role/{SCALING_SERVICE}/"
                        "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint")  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DeployTarget:
    """The endpoint the deploy stage creates or updates, and what it needs to do so."""

    endpoint_name: pulumi.Input[str]
    serving_role_arn: pulumi.Input[str]
    serving_parameter_name: pulumi.Input[str]
    monitoring_parameter_name: pulumi.Input[str] | None = None
    """Model Monitor settings for an endpoint the deploy stage creates; None: no schedule."""
    monitoring_role_arn: pulumi.Input[str] | None = None


def deploy_target(
    endpoint_name: pulumi.Input[str] | None,
    serving_role_arn: pulumi.Input[str] | None,
    serving_parameter_name: pulumi.Input[str] | None,
    monitoring_parameter_name: pulumi.Input[str] | None = None,
    monitoring_role_arn: pulumi.Input[str] | None = None,
) -> DeployTarget | None:
    """None without an endpoint; an endpoint comes with its role and settings, or not at all."""
    if endpoint_name is None:
        return None
    if serving_role_arn is None or serving_parameter_name is None:
        raise ValueError("endpoint_name needs serving_role_arn and serving_parameter_name")
    if (monitoring_parameter_name is None) != (monitoring_role_arn is None):
        raise ValueError("monitoring_parameter_name and monitoring_role_arn go together")
    return DeployTarget(endpoint_name=endpoint_name, serving_role_arn=serving_role_arn,
                        serving_parameter_name=serving_parameter_name,
                        monitoring_parameter_name=monitoring_parameter_name,
                        monitoring_role_arn=monitoring_role_arn)  # fmt: skip


def decrypt_via_s3(key_arn: pulumi.Input[str], region: str) -> list[iam.Statement]:
    """Read S3 objects encrypted with the key, and nothing else with it: S3 decrypts on the
    role's behalf, so Decrypt is allowed only through S3 in `region` (kms:ViaService)."""
    suffix = ".amazonaws.com.cn" if region.startswith("cn-") else ".amazonaws.com"
    return [
        iam.allow(["kms:Decrypt"], [key_arn],
                  Condition={"StringEquals": {"kms:ViaService": f"s3.{region}{suffix}"}}),
        iam.allow(["kms:DescribeKey"], [key_arn]),
    ]  # fmt: skip


def _build_basics(
    artifact_bucket_arn: pulumi.Input[str],
    key: list[iam.Statement],
    log_group_arn: pulumi.Input[str],
) -> list[iam.Statement]:
    """Read the stage's input artifact and write the build's logs: every stage needs it."""
    return [
        # What the CodeBuild service role needs to fetch an input artifact; no stage
        # writes output artifacts, so none may write to the artifact bucket.
        iam.allow(["s3:GetObject", "s3:GetObjectVersion", "s3:GetBucketAcl",
                   "s3:GetBucketLocation"],
                  [artifact_bucket_arn, iam.objects_of(artifact_bucket_arn)]),
        *key,
        iam.allow(["logs:CreateLogStream", "logs:PutLogEvents"],
                  [pulumi.Output.concat(log_group_arn, ":*")]),
    ]  # fmt: skip


def test_role_policy(
    *,
    region: str,
    artifact_bucket_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
) -> pulumi.Output[str]:
    """The repository's own code runs here: it gets nothing beyond its input and its logs.
    It writes nothing encrypted, so of the key only what reading the input through S3 needs:
    no Encrypt, GenerateDataKey*, ReEncrypt* or CreateGrant for code under test."""
    key = decrypt_via_s3(kms_key_arn, region)
    return iam.document(*_build_basics(artifact_bucket_arn, key, log_group_arn))


def train_role_policy(
    *,
    artifact_bucket_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
    repository_arn: pulumi.Input[str],
    training_pipeline_arn: pulumi.Input[str],
    model_artifact_bucket_arn: pulumi.Input[str],
) -> pulumi.Output[str]:
    """Push the image, publish the scripts, start a training run: no deploy, no approval."""
    code = pulumi.Output.concat(model_artifact_bucket_arn, "/code/")
    return iam.document(
        *_build_basics(artifact_bucket_arn, iam.use_key(kms_key_arn), log_group_arn),
        # GetAuthorizationToken is account-wide: AWS accepts no resource but "*".
        iam.allow(["ecr:GetAuthorizationToken"], ["*"]),
        iam.allow(ECR_PUSH_PULL_ACTIONS, [repository_arn]),
        # The scripts, one folder per commit, and code/latest/ for runs without parameters.
        iam.allow(["s3:PutObject", "s3:GetObject"], [pulumi.Output.concat(code, "*")]),
        iam.allow(["s3:ListBucket"], [model_artifact_bucket_arn],
                  Condition={"StringLike": {"s3:prefix": ["code/*"]}}),
        # code/latest/ mirrors the last trained commit: scripts removed from it are removed.
        iam.allow(["s3:DeleteObject"], [pulumi.Output.concat(code, "latest/*")]),
        # Only starting runs: the approval status is fixed in the pipeline's definition,
        # and no UpdateModelPackage, so this role cannot approve what it trained.
        iam.allow(["sagemaker:StartPipelineExecution"], [training_pipeline_arn]),
    )  # fmt: skip


def deploy_role_policy(
    *,
    region: str,
    partition: str,
    account_id: pulumi.Input[str],
    artifact_bucket_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
    model_package_group_arn: pulumi.Input[str],
    deploy: DeployTarget,
) -> pulumi.Output[str]:
    """Serve the latest approved package with the settings Pulumi published, auto-scaled and
    (with monitoring) watched by Model Monitor, as `pulumi up` would."""
    account = pulumi.Output.concat(f"{region}:", account_id, ":")
    sagemaker = pulumi.Output.concat(f"arn:{partition}:sagemaker:", account)
    # SageMaker ARNs carry names in lowercase.
    endpoint = pulumi.Output.from_input(deploy.endpoint_name).apply(str.lower)
    # arn:...:model-package-group/<group> -> arn:...:model-package/<group>/<version>
    packages = pulumi.Output.from_input(model_package_group_arn).apply(
        lambda arn: arn.replace(":model-package-group/", ":model-package/") + "/*"
    )
    statements = [
        *_build_basics(artifact_bucket_arn, iam.use_key(kms_key_arn), log_group_arn),
        # ListModelPackages has no resource-level permissions: AWS accepts only "*".
        iam.allow(["sagemaker:ListModelPackages"], ["*"]),
        iam.allow(["sagemaker:DescribeModelPackage"], [packages]),
        # Only this endpoint, and models and configurations named after it.
        iam.allow(DEPLOY_ACTIONS, [
            pulumi.Output.concat(sagemaker, "endpoint/", endpoint),
            pulumi.Output.concat(sagemaker, "endpoint-config/", endpoint, "-*"),
            pulumi.Output.concat(sagemaker, "model/", endpoint, "-*"),
        ]),
        # Reading any configuration is harmless; an endpoint Pulumi created has its own.
        iam.allow(["sagemaker:DescribeEndpointConfig"],
                  [pulumi.Output.concat(sagemaker, "endpoint-config/*")]),
        iam.allow(["ssm:GetParameter"],
                  [_parameter(partition, account, deploy.serving_parameter_name)]),
        _pass_to_sagemaker(deploy.serving_role_arn),
        *_scaling_statements(partition, account, account_id, endpoint),
    ]  # fmt: skip
    if deploy.monitoring_parameter_name is not None and deploy.monitoring_role_arn is not None:
        schedule = pulumi.Output.concat(sagemaker, "monitoring-schedule/", endpoint,
                                        "-data-quality")  # fmt: skip
        job = pulumi.Output.concat(sagemaker, "data-quality-job-definition/", endpoint,
                                   "-data-quality")  # fmt: skip
        statements += [
            iam.allow(["ssm:GetParameter"],
                      [_parameter(partition, account, deploy.monitoring_parameter_name)]),
            iam.allow(["sagemaker:DescribeMonitoringSchedule", "sagemaker:CreateMonitoringSchedule",
                       "sagemaker:AddTags"], [schedule]),
            iam.allow(["sagemaker:DescribeDataQualityJobDefinition",
                       "sagemaker:CreateDataQualityJobDefinition", "sagemaker:AddTags"], [job]),
            _pass_to_sagemaker(deploy.monitoring_role_arn),
        ]  # fmt: skip
    return iam.document(*statements)


def _scaling_statements(
    partition: str,
    account: pulumi.Output[str],
    account_id: pulumi.Input[str],
    endpoint: pulumi.Output[str],
) -> list[iam.Statement]:
    """Register the endpoint's variant for target tracking, as Pulumi does for its own."""
    targets = pulumi.Output.concat(f"arn:{partition}:application-autoscaling:", account,
                                   "scalable-target/*")  # fmt: skip
    # Target tracking alarms are named TargetTracking-endpoint/<endpoint>/variant/...
    alarms = pulumi.Output.concat(f"arn:{partition}:cloudwatch:", account,
                                  "alarm:TargetTracking-endpoint/", endpoint, "/*")  # fmt: skip
    service_role = pulumi.Output.concat(f"arn:{partition}:iam::", account_id, ":",
                                        SCALING_SERVICE_ROLE)  # fmt: skip
    return [
        iam.allow(SCALING_DESCRIBE_ACTIONS, ["*"]),
        iam.allow(SCALING_ACTIONS, [targets]),
        iam.allow(["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"], [alarms]),
        # The first registration in the account creates Application Auto Scaling's role.
        iam.allow(
            ["iam:CreateServiceLinkedRole"],
            [service_role],
            Condition={"StringLike": {"iam:AWSServiceName": SCALING_SERVICE}},
        ),
    ]


def _parameter(
    partition: str, account: pulumi.Output[str], name: pulumi.Input[str]
) -> pulumi.Output[str]:
    return pulumi.Output.concat(
        f"arn:{partition}:ssm:", account, "parameter/",
        pulumi.Output.from_input(name).apply(lambda n: n.lstrip("/")),
    )  # fmt: skip


def _pass_to_sagemaker(role_arn: pulumi.Input[str]) -> iam.Statement:
    return iam.allow(["iam:PassRole"], [role_arn],
                     Condition={"StringEquals": {"iam:PassedToService":
                                                 "sagemaker.amazonaws.com"}})  # fmt: skip


def pipeline_role_policy(
    *,
    artifact_bucket_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    project_arns: Sequence[pulumi.Input[str]],
    connection_arn: pulumi.Input[str] | None = None,
) -> pulumi.Output[str]:
    """Move artifacts, read the source (the repository through the connection, or the
    release pipeline's trigger object in the artifact bucket), run the builds."""
    statements = [
        iam.write_buckets([artifact_bucket_arn]),
        # An S3 source action reads object versions of a versioned bucket.
        iam.allow(["s3:GetObjectVersion", "s3:GetBucketVersioning"],
                  [artifact_bucket_arn, iam.objects_of(artifact_bucket_arn)]),
        *iam.use_key(kms_key_arn),
        iam.allow(["codebuild:StartBuild", "codebuild:BatchGetBuilds"], project_arns),
    ]  # fmt: skip
    if connection_arn is not None:
        statements.append(iam.allow(["codeconnections:UseConnection"], [connection_arn]))
    return iam.document(*statements)


def trigger_role_policy(release_pipeline_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """What EventBridge needs to start the release pipeline: that, and nothing else."""
    return iam.document(iam.allow(["codepipeline:StartPipelineExecution"], [release_pipeline_arn]))
