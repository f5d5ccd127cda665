"""The release pipeline: Approve (a person) -> Deploy, started when a model is approved.

Training runs for hours; the main pipeline's train stage only starts the run. When the run
registers a model package as Approved (the blueprint's automatic approval) or a person
approves it in the model registry, an EventBridge rule starts this pipeline. Its source is
an object Pulumi writes to the artifact bucket, not the repository: the deploy stage never
sees the repository's code.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.aws.codepipeline.policies import pipeline_role_policy, trigger_role_policy
from components.aws.shared import iam

TRIGGER_KEY = "release/trigger.zip"
RELEASE = "release"


def trigger_archive() -> str:
    """Base64 of a fixed zip (a CodeBuild input artifact must be one): same bytes every run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = zipfile.ZipInfo("README.txt", date_time=(2020, 1, 1, 0, 0, 0))
        archive.writestr(entry, "Starts the release pipeline; the deploy stage ignores it.\n")
    return base64.b64encode(buffer.getvalue()).decode()


def release_pipeline(
    name: str,
    *,
    artifact_bucket: pulumi.Input[str],
    artifact_bucket_arn: pulumi.Input[str],
    artifacts: pulumi.Resource,
    kms_key_arn: pulumi.Input[str],
    deploy_project: aws.codebuild.Project,
    model_package_group_name: pulumi.Input[str],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.codepipeline.Pipeline:
    child = pulumi.ResourceOptions(parent=parent)
    tags = dict(tags)
    trigger = aws.s3.BucketObjectv2(
        f"{name}-release-trigger",
        bucket=artifact_bucket,
        key=TRIGGER_KEY,
        content_base64=trigger_archive(),
        content_type="application/zip",
        tags=tags,
        # The S3 source reads object versions: versioning must be on before the object.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[artifacts]),
    )
    role, role_policy = iam.service_role(
        f"{name}-release-role",
        "codepipeline.amazonaws.com",
        pipeline_role_policy(artifact_bucket_arn=artifact_bucket_arn, kms_key_arn=kms_key_arn,
                             project_arns=[deploy_project.arn]),
        tags,
        parent=parent,
    )  # fmt: skip
    source = aws.codepipeline.PipelineStageActionArgs(
        name="Trigger", category="Source", owner="AWS", provider="S3", version="1",
        output_artifacts=[RELEASE],
        # Started by the approval event only, never by polling.
        configuration={"S3Bucket": artifact_bucket, "S3ObjectKey": TRIGGER_KEY,
                       "PollForSourceChanges": "false"},
    )  # fmt: skip
    approval = aws.codepipeline.PipelineStageActionArgs(
        name="Approve", category="Approval", owner="AWS", provider="Manual", version="1",
        configuration={"CustomData": "A model package was approved. Deploy the latest "
                                     "approved model package to production?"},
    )  # fmt: skip
    deploy = aws.codepipeline.PipelineStageActionArgs(
        name="Deploy", category="Build", owner="AWS", provider="CodeBuild", version="1",
        input_artifacts=[RELEASE], configuration={"ProjectName": deploy_project.name},
    )  # fmt: skip
    pipeline = aws.codepipeline.Pipeline(
        f"{name}-release",
        pipeline_type="V2",
        role_arn=role.arn,
        artifact_stores=[
            aws.codepipeline.PipelineArtifactStoreArgs(
                type="S3",
                location=artifact_bucket,
                encryption_key=aws.codepipeline.PipelineArtifactStoreEncryptionKeyArgs(
                    type="KMS", id=kms_key_arn
                ),
            )
        ],
        stages=[
            aws.codepipeline.PipelineStageArgs(name="Source", actions=[source]),
            aws.codepipeline.PipelineStageArgs(name="Approve", actions=[approval]),
            aws.codepipeline.PipelineStageArgs(name="Deploy", actions=[deploy]),
        ],
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy, trigger]),
    )

    trigger_role, trigger_policy = iam.service_role(
        f"{name}-release-trigger-role", "events.amazonaws.com",
        trigger_role_policy(pipeline.arn), tags, parent=parent,
    )  # fmt: skip
    approved = aws.cloudwatch.EventRule(
        f"{name}-model-approved",
        description=f"opsblocks {name}: a model package of this blueprint is Approved",
        event_pattern=pulumi.Output.json_dumps({
            "source": ["aws.sagemaker"],
            "detail-type": ["SageMaker Model Package State Change"],
            "detail": {"ModelPackageGroupName": [model_package_group_name],
                       "ModelApprovalStatus": ["Approved"]},
        }),
        state="ENABLED",
        tags=tags,
        opts=child,
    )  # fmt: skip
    aws.cloudwatch.EventTarget(
        f"{name}-model-approved",
        rule=approved.name,
        arn=pipeline.arn,
        role_arn=trigger_role.arn,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[trigger_policy]),
    )
    return pipeline
