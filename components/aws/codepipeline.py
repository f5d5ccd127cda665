"""CI/CD capability on AWS: CodePipeline V2 from a git repository to the production endpoint.

Source (a CodeConnections connection to GitHub, GitLab or Bitbucket) -> Test -> Train (build and
push the image, run the SageMaker training pipeline) -> Approve (a person, before production) ->
Deploy (the latest approved model package to the endpoint). Without a serving capability there
is nothing to deploy: the pipeline ends after Train.

The connection is created PENDING: someone must activate it once in the console (Developer
Tools > Settings > Connections > Update pending connection) before the first run can fetch the
source; AWS offers no API for that handshake.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.aws import codepipeline_buildspecs as buildspecs
from components.aws import iam
from components.aws.codepipeline_policies import (
    DeployTarget,
    build_role_policy,
    deploy_target,
    pipeline_role_policy,
)
from components.aws.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs
from opsblocks.naming import aws_partition

SOURCE = "source"
# The train build waits for the training pipeline, whose jobs may each run for a day: let it
# wait as long as CodeBuild allows (36 hours).
TRAIN_TIMEOUT_MINUTES = 2160


@dataclass(frozen=True, kw_only=True)
class AwsCodepipelineCicdArgs:
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str]
    """Encrypts the artifacts, the build outputs and the build logs."""
    access_log_bucket: pulumi.Input[str]
    protect: bool = False
    """Protect and retain the artifact bucket and the build logs (prod)."""
    region: str
    connection_name: str
    """Explicit name of the CodeConnections connection (at most 32 characters)."""
    training_pipeline_name: pulumi.Input[str]
    training_pipeline_arn: pulumi.Input[str]
    repository_url: pulumi.Input[str]
    """ECR repository the train stage pushes the image to."""
    repository_arn: pulumi.Input[str]
    model_package_group_name: pulumi.Input[str]
    model_package_group_arn: pulumi.Input[str]
    model_artifact_uri: pulumi.Input[str]
    """`s3://<registry artifact bucket>/`: the train stage uploads the pipeline code under code/."""
    model_artifact_bucket_arn: pulumi.Input[str]
    endpoint_name: pulumi.Input[str] | None = None
    """Endpoint the deploy stage creates or updates; None: no approval and no deploy stage."""
    serving_role_arn: pulumi.Input[str] | None = None
    """Execution role of the served model: the only role the deploy stage may pass."""
    serving_parameter_name: pulumi.Input[str] | None = None
    """SSM parameter with the serving settings (instance type, capture, network) as JSON."""
    log_retention_days: int = 30
    repository: str
    """Git repository as owner/name (GitLab groups: group/subgroup/name)."""
    branch: str = "main"
    provider: Literal["GitHub", "GitLab", "Bitbucket"] = "GitHub"
    build_compute: Literal[
        "BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"
    ] = "BUILD_GENERAL1_SMALL"
    build_image: str = "aws/codebuild/standard:7.0"


class AwsCodepipelineCicd(pulumi.ComponentResource):
    pipeline_name: pulumi.Output[str]
    connection_arn: pulumi.Output[str]
    """Connection to the git provider: activate it once in the console."""
    artifact_bucket: pulumi.Output[str]
    """Bucket holding the source and build artifacts of each run (KMS-encrypted)."""

    def __init__(
        self, name: str, args: AwsCodepipelineCicdArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AwsCodepipelineCicd", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        deploy = deploy_target(args.endpoint_name, args.serving_role_arn,
                               args.serving_parameter_name)  # fmt: skip
        stages = ["test", "train"] + (["deploy"] if deploy else [])
        partition = aws_partition(args.region)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id

        connection = aws.codeconnections.Connection(f"{name}-connection",
                                                    name=args.connection_name,
                                                    provider_type=args.provider, tags=tags,
                                                    opts=child)  # fmt: skip
        artifacts = AwsSecureBucket(
            f"{name}-artifacts",
            AwsSecureBucketArgs(tags=tags, kms_key_arn=args.kms_key_arn,
                                access_log_bucket=args.access_log_bucket, protect=args.protect),
            opts=child,
        )  # fmt: skip
        # The build logs are the audit trail of what was trained and deployed: kept like data.
        logs = aws.cloudwatch.LogGroup(f"{name}-builds", name_prefix=f"/aws/codebuild/{name}-",
                                       retention_in_days=args.log_retention_days,
                                       kms_key_id=args.kms_key_arn, tags=tags,
                                       opts=pulumi.ResourceOptions(
                                           parent=self, protect=args.protect,
                                           retain_on_delete=args.protect))  # fmt: skip

        build_role, build_policy = iam.service_role(
            f"{name}-build-role",
            "codebuild.amazonaws.com",
            build_role_policy(
                region=args.region, partition=partition, account_id=account_id,
                artifact_bucket_arn=artifacts.arn, kms_key_arn=args.kms_key_arn,
                log_group_arn=logs.arn, repository_arn=args.repository_arn,
                training_pipeline_arn=args.training_pipeline_arn,
                model_package_group_arn=args.model_package_group_arn,
                model_artifact_bucket_arn=args.model_artifact_bucket_arn, deploy=deploy,
            ),
            tags,
            parent=self,
        )  # fmt: skip
        environment = _environment(args, deploy)
        projects = {
            stage: aws.codebuild.Project(
                f"{name}-{stage}",
                description=f"opsblocks {name}: {stage} stage",
                service_role=build_role.arn,
                encryption_key=args.kms_key_arn,
                build_timeout=TRAIN_TIMEOUT_MINUTES if stage == "train" else 60,
                source=aws.codebuild.ProjectSourceArgs(
                    type="CODEPIPELINE", buildspec=buildspecs.BUILDSPECS[stage]
                ),
                artifacts=aws.codebuild.ProjectArtifactsArgs(type="CODEPIPELINE"),
                environment=aws.codebuild.ProjectEnvironmentArgs(
                    type="LINUX_CONTAINER",
                    compute_type=args.build_compute,
                    image=args.build_image,
                    image_pull_credentials_type="CODEBUILD",
                    # Docker-in-Docker needs privileges: only the stage that builds the image.
                    privileged_mode=stage == "train",
                    environment_variables=environment,
                ),
                logs_config=aws.codebuild.ProjectLogsConfigArgs(
                    cloudwatch_logs=aws.codebuild.ProjectLogsConfigCloudwatchLogsArgs(
                        status="ENABLED", group_name=logs.name, stream_name=stage
                    )
                ),
                tags=tags,
                # CodeBuild checks that the role may use the key when the project is created.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[build_policy]),
            )
            for stage in stages
        }

        pipeline_role, pipeline_policy = iam.service_role(
            f"{name}-pipeline-role",
            "codepipeline.amazonaws.com",
            pipeline_role_policy(
                artifact_bucket_arn=artifacts.arn, kms_key_arn=args.kms_key_arn,
                connection_arn=connection.arn,
                project_arns=[project.arn for project in projects.values()],
            ),
            tags,
            parent=self,
        )  # fmt: skip
        pipeline = aws.codepipeline.Pipeline(
            f"{name}-pipeline",
            pipeline_type="V2",
            role_arn=pipeline_role.arn,
            artifact_stores=[
                aws.codepipeline.PipelineArtifactStoreArgs(
                    type="S3",
                    location=artifacts.bucket,
                    encryption_key=aws.codepipeline.PipelineArtifactStoreEncryptionKeyArgs(
                        type="KMS", id=args.kms_key_arn
                    ),
                )
            ],
            stages=_stages(args, connection.arn, projects),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[pipeline_policy]),
        )

        self.pipeline_name = pipeline.name
        self.connection_arn = connection.arn
        self.artifact_bucket = artifacts.bucket
        self.register_outputs({"pipeline_name": self.pipeline_name,
                               "connection_arn": self.connection_arn,
                               "artifact_bucket": self.artifact_bucket})  # fmt: skip


def _environment(
    args: AwsCodepipelineCicdArgs, deploy: DeployTarget | None
) -> list[aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs]:
    """What the buildspecs work on; names, not secrets, so plain text."""
    values: dict[str, pulumi.Input[str]] = {
        buildspecs.IMAGE_REPOSITORY_URL: args.repository_url,
        buildspecs.TRAINING_PIPELINE_NAME: args.training_pipeline_name,
        buildspecs.MODEL_PACKAGE_GROUP: args.model_package_group_name,
        buildspecs.MODEL_ARTIFACT_URI: args.model_artifact_uri,
        buildspecs.RESOURCE_TAGS: json.dumps(dict(args.tags), sort_keys=True),
    }
    if deploy is not None:
        values[buildspecs.ENDPOINT_NAME] = deploy.endpoint_name
        values[buildspecs.SERVING_PARAMETER_NAME] = deploy.serving_parameter_name
    return [
        aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(name=key, value=value,
                                                                type="PLAINTEXT")
        for key, value in values.items()
    ]  # fmt: skip


def _stages(
    args: AwsCodepipelineCicdArgs,
    connection_arn: pulumi.Output[str],
    projects: Mapping[str, aws.codebuild.Project],
) -> list[aws.codepipeline.PipelineStageArgs]:
    source = aws.codepipeline.PipelineStageActionArgs(
        name="Source", category="Source", owner="AWS", provider="CodeStarSourceConnection",
        version="1", output_artifacts=[SOURCE],
        configuration={"ConnectionArn": connection_arn, "FullRepositoryId": args.repository,
                       "BranchName": args.branch},
    )  # fmt: skip

    def build(stage: str) -> aws.codepipeline.PipelineStageArgs:
        action = aws.codepipeline.PipelineStageActionArgs(
            name=stage.capitalize(), category="Build", owner="AWS", provider="CodeBuild",
            version="1", input_artifacts=[SOURCE],
            configuration={"ProjectName": projects[stage].name},
        )  # fmt: skip
        return aws.codepipeline.PipelineStageArgs(name=stage.capitalize(), actions=[action])

    stages = [aws.codepipeline.PipelineStageArgs(name="Source", actions=[source]),
              build("test"), build("train")]  # fmt: skip
    if "deploy" in projects:
        approval = aws.codepipeline.PipelineStageActionArgs(
            name="Approve", category="Approval", owner="AWS", provider="Manual", version="1",
            configuration={"CustomData": "Deploy the latest approved model package to "
                                         "production?"},
        )  # fmt: skip
        stages += [aws.codepipeline.PipelineStageArgs(name="Approve", actions=[approval]),
                   build("deploy")]  # fmt: skip
    return stages
