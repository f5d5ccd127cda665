"""The CodeBuild projects of the CI/CD pipelines: one project, and one role, per stage.

Every stage runs its buildspec inline (never a buildspec file from the repository) under
its own role, so a stage's rights end where its job ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.codepipeline import buildspecs
from components.aws.shared import iam

# The longest stage: the deploy stage waits for the endpoint to be in service.
BUILD_TIMEOUT_MINUTES = 60


@dataclass(frozen=True, kw_only=True)
class BuildSettings:
    """What every project of one blueprint shares."""

    kms_key_arn: pulumi.Input[str]
    log_group_name: pulumi.Input[str]
    compute: str
    image: str
    tags: Mapping[str, str]


def build_project(
    name: str,
    stage: str,
    settings: BuildSettings,
    policy: pulumi.Input[str],
    variables: Mapping[str, pulumi.Input[str]],
    parent: pulumi.Resource,
) -> aws.codebuild.Project:
    """The stage's role and the project that runs the stage's buildspec as that role."""
    tags = dict(settings.tags)
    role, role_policy = iam.service_role(
        f"{name}-{stage}-role", "codebuild.amazonaws.com", policy, tags, parent=parent,
        description=f"opsblocks {name}: {stage} stage",
    )  # fmt: skip
    return aws.codebuild.Project(
        f"{name}-{stage}",
        description=f"opsblocks {name}: {stage} stage",
        service_role=role.arn,
        encryption_key=settings.kms_key_arn,
        build_timeout=BUILD_TIMEOUT_MINUTES,
        source=aws.codebuild.ProjectSourceArgs(
            type="CODEPIPELINE", buildspec=buildspecs.BUILDSPECS[stage]
        ),
        artifacts=aws.codebuild.ProjectArtifactsArgs(type="CODEPIPELINE"),
        environment=aws.codebuild.ProjectEnvironmentArgs(
            type="LINUX_CONTAINER",
            compute_type=settings.compute,
            image=settings.image,
            image_pull_credentials_type="CODEBUILD",
            # Docker-in-Docker needs privileges: only the stage that builds the image.
            privileged_mode=stage == "train",
            # Names, not secrets, so plain text.
            environment_variables=[
                aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(
                    name=key, value=value, type="PLAINTEXT"
                )
                for key, value in variables.items()
            ],
        ),
        logs_config=aws.codebuild.ProjectLogsConfigArgs(
            cloudwatch_logs=aws.codebuild.ProjectLogsConfigCloudwatchLogsArgs(
                status="ENABLED", group_name=settings.log_group_name, stream_name=stage
            )
        ),
        tags=tags,
        # CodeBuild checks that the role may use the key when the project is created.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy]),
    )
