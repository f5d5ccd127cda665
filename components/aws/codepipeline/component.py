"""CI/CD capability on AWS: CodePipeline V2 from a git repository to the production endpoint.

Main pipeline, on every push: Source (a CodeConnections connection to GitHub, GitLab or
Bitbucket) -> Test -> Train (build and push the image, publish the scripts, start the
SageMaker training pipeline, and end). With a serving capability, a release pipeline
(release.py) starts when the run's model package is Approved: Approve (a
person, before production) -> Deploy (the latest approved model package to the endpoint,
auto-scaled and monitored as `pulumi up` would). Each stage has its own role
(policies.py).

The connection is created PENDING: someone must activate it once in the console (Developer
Tools > Settings > Connections > Update pending connection) before the first run can fetch the
source; AWS offers no API for that handshake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.codepipeline import buildspecs
from components.aws.codepipeline.builds import BuildSettings, build_project
from components.aws.codepipeline.options import CodePipelineOptions
from components.aws.codepipeline.policies import (
    DeployTarget,
    deploy_role_policy,
    deploy_target,
    pipeline_role_policy,
    test_role_policy,
    train_role_policy,
)
from components.aws.codepipeline.release import release_pipeline
from components.aws.shared import iam
from components.aws.shared.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs

SOURCE = "source"


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
    """Endpoint the deploy stage creates or updates; None: no release pipeline at all."""
    serving_role_arn: pulumi.Input[str] | None = None
    """Execution role of the served model: the deploy stage may pass it (and the monitoring
    role), no other."""
    serving_parameter_name: pulumi.Input[str] | None = None
    """SSM parameter with the serving settings (instance type, capture, network, scaling)."""
    monitoring_parameter_name: pulumi.Input[str] | None = None
    """SSM parameter with the Model Monitor job and schedule for an endpoint the deploy stage
    creates; None: the deploy stage creates no schedule."""
    monitoring_role_arn: pulumi.Input[str] | None = None
    """Role of the monitoring jobs: the deploy stage passes it to the job definition."""
    log_retention_days: int = 30
    options: CodePipelineOptions
    """The tool's options, as the blueprint gave them (validated)."""


class AwsCodepipelineCicd(pulumi.ComponentResource):
    pipeline_name: pulumi.Output[str]
    connection_arn: pulumi.Output[str]
    """Connection to the git provider: activate it once in the console."""
    artifact_bucket: pulumi.Output[str]
    """Bucket holding the source and build artifacts of each run (KMS-encrypted)."""
    release_pipeline_name: pulumi.Output[str] | None
    """Approve -> Deploy, started by an approved model package; None without serving."""

    def __init__(
        self, name: str, args: AwsCodepipelineCicdArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AwsCodepipelineCicd", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        deploy = deploy_target(args.endpoint_name, args.serving_role_arn,
                               args.serving_parameter_name, args.monitoring_parameter_name,
                               args.monitoring_role_arn)  # fmt: skip
        partition = iam.aws_partition(args.region)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id

        connection = aws.codeconnections.Connection(f"{name}-connection",
                                                    name=args.connection_name,
                                                    provider_type=args.options.provider, tags=tags,
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

        settings = BuildSettings(
            kms_key_arn=args.kms_key_arn,
            log_group_name=logs.name,
            compute=args.options.build_compute,
            image=args.options.build_image,
            tags=tags,
        )
        basics = {"artifact_bucket_arn": artifacts.arn, "kms_key_arn": args.kms_key_arn,
                  "log_group_arn": logs.arn}  # fmt: skip
        # The repository's tests run here, with no variables and no rights to name.
        test = build_project(
            name, "test", settings, test_role_policy(region=args.region, **basics), {}, self
        )
        train = build_project(
            name, "train", settings,
            train_role_policy(**basics, repository_arn=args.repository_arn,
                              training_pipeline_arn=args.training_pipeline_arn,
                              model_artifact_bucket_arn=args.model_artifact_bucket_arn),
            {buildspecs.IMAGE_REPOSITORY_URL: args.repository_url,
             buildspecs.TRAINING_PIPELINE_NAME: args.training_pipeline_name,
             buildspecs.MODEL_ARTIFACT_URI: args.model_artifact_uri},
            self,
        )  # fmt: skip

        pipeline_role, pipeline_policy = iam.service_role(
            f"{name}-pipeline-role",
            "codepipeline.amazonaws.com",
            pipeline_role_policy(artifact_bucket_arn=artifacts.arn, kms_key_arn=args.kms_key_arn,
                                 connection_arn=connection.arn,
                                 project_arns=[test.arn, train.arn]),
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
            stages=_stages(args, connection.arn, test, train),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[pipeline_policy]),
        )

        self.release_pipeline_name = None
        if deploy is not None:
            deploy_project = build_project(
                name, "deploy", settings,
                deploy_role_policy(**basics, region=args.region, partition=partition,
                                   account_id=account_id,
                                   model_package_group_arn=args.model_package_group_arn,
                                   deploy=deploy),
                _deploy_variables(args, deploy), self,
            )  # fmt: skip
            self.release_pipeline_name = release_pipeline(
                name, artifact_bucket=artifacts.bucket, artifact_bucket_arn=artifacts.arn,
                artifacts=artifacts, kms_key_arn=args.kms_key_arn, deploy_project=deploy_project,
                model_package_group_name=args.model_package_group_name, tags=tags, parent=self,
            ).name  # fmt: skip

        self.pipeline_name = pipeline.name
        self.connection_arn = connection.arn
        self.artifact_bucket = artifacts.bucket
        self.register_outputs({"pipeline_name": self.pipeline_name,
                               "connection_arn": self.connection_arn,
                               "artifact_bucket": self.artifact_bucket,
                               "release_pipeline_name": self.release_pipeline_name})  # fmt: skip


def _deploy_variables(
    args: AwsCodepipelineCicdArgs, deploy: DeployTarget
) -> dict[str, pulumi.Input[str]]:
    """What the deploy buildspec works on: names only; the settings are in SSM."""
    variables: dict[str, pulumi.Input[str]] = {
        buildspecs.MODEL_PACKAGE_GROUP: args.model_package_group_name,
        buildspecs.ENDPOINT_NAME: deploy.endpoint_name,
        buildspecs.SERVING_PARAMETER_NAME: deploy.serving_parameter_name,
    }
    if deploy.monitoring_parameter_name is not None:
        variables[buildspecs.MONITORING_PARAMETER_NAME] = deploy.monitoring_parameter_name
    return variables


def _stages(
    args: AwsCodepipelineCicdArgs,
    connection_arn: pulumi.Output[str],
    test: aws.codebuild.Project,
    train: aws.codebuild.Project,
) -> list[aws.codepipeline.PipelineStageArgs]:
    source = aws.codepipeline.PipelineStageActionArgs(
        name="Source", category="Source", owner="AWS", provider="CodeStarSourceConnection",
        version="1", output_artifacts=[SOURCE],
        configuration={"ConnectionArn": connection_arn, "FullRepositoryId": args.options.repository,
                       "BranchName": args.options.branch},
    )  # fmt: skip

    def build(stage: str, project: aws.codebuild.Project) -> aws.codepipeline.PipelineStageArgs:
        action = aws.codepipeline.PipelineStageActionArgs(
            name=stage, category="Build", owner="AWS", provider="CodeBuild", version="1",
            input_artifacts=[SOURCE], configuration={"ProjectName": project.name},
        )  # fmt: skip
        return aws.codepipeline.PipelineStageArgs(name=stage, actions=[action])

    return [aws.codepipeline.PipelineStageArgs(name="Source", actions=[source]),
            build("Test", test), build("Train", train)]  # fmt: skip
