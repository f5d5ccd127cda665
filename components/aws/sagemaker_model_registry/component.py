"""Registry capability on AWS: a SageMaker model package group, an ECR image repository and a
bucket for model artifacts.

Training registers model packages in the group, pushes inference images to the repository and
writes `model.tar.gz` files to the bucket; serving and CI/CD read all three.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.sagemaker_model_registry.options import SageMakerModelRegistryOptions
from components.aws.shared.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs


@dataclass(frozen=True, kw_only=True)
class AwsSagemakerModelRegistryArgs:
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key encrypting the images and the model artifacts."""
    access_log_bucket: pulumi.Input[str]
    protect: bool = False
    """Protect and retain the model package group, the repository and the bucket (prod)."""
    model_package_group_name: str
    """Explicit name: pipelines and deploy scripts refer to the group by it."""
    options: SageMakerModelRegistryOptions = field(default_factory=SageMakerModelRegistryOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AwsSagemakerModelRegistry(pulumi.ComponentResource):
    model_package_group_name: pulumi.Output[str]
    """Group where training registers each model version."""
    model_package_group_arn: pulumi.Output[str]
    repository_url: pulumi.Output[str]
    """ECR repository URL for inference and training images."""
    repository_arn: pulumi.Output[str]
    artifact_bucket: pulumi.Output[str]
    """Bucket name of the model artifacts."""
    artifact_bucket_arn: pulumi.Output[str]
    artifact_uri: pulumi.Output[str]
    """`s3://<artifact bucket>/`: where training writes `model.tar.gz`."""

    def __init__(
        self,
        name: str,
        args: AwsSagemakerModelRegistryArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AwsSagemakerModelRegistry", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        tags = dict(args.tags)

        group = aws.sagemaker.ModelPackageGroup(
            f"{name}-model-group",
            model_package_group_name=args.model_package_group_name,
            model_package_group_description=f"opsblocks {name}: versions of the model",
            tags=tags,
            opts=stateful,
        )
        repository = aws.ecr.Repository(
            f"{name}-images",
            # Immutable tags: a deployed tag always names the image that was scanned and approved.
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
                scan_on_push=True
            ),
            encryption_configurations=[
                aws.ecr.RepositoryEncryptionConfigurationArgs(
                    encryption_type="KMS", kms_key=args.kms_key_arn
                )
            ],
            # Never delete images with the repository: a served model may still need them.
            force_delete=False,
            tags=tags,
            opts=stateful,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-images-lifecycle",
            repository=repository.name,
            policy=_expire_untagged_images(args.options.keep_images),
            opts=child,
        )
        artifacts = AwsSecureBucket(
            f"{name}-artifacts",
            AwsSecureBucketArgs(
                tags=tags,
                kms_key_arn=args.kms_key_arn,
                access_log_bucket=args.access_log_bucket,
                protect=args.protect,
            ),
            opts=child,
        )

        self.model_package_group_name = group.model_package_group_name
        self.model_package_group_arn = group.arn
        self.repository_url = repository.repository_url
        self.repository_arn = repository.arn
        self.artifact_bucket = artifacts.bucket
        self.artifact_bucket_arn = artifacts.arn
        self.artifact_uri = artifacts.uri
        self.register_outputs(
            {
                "model_package_group_name": self.model_package_group_name,
                "model_package_group_arn": self.model_package_group_arn,
                "repository_url": self.repository_url,
                "repository_arn": self.repository_arn,
                "artifact_bucket": self.artifact_bucket,
                "artifact_uri": self.artifact_uri,
            }
        )


def _expire_untagged_images(count: int) -> str:
    """ECR lifecycle policy expiring untagged images beyond the newest `count`.

    Tagged images (one per trained commit, tags immutable) are what model packages name and
    endpoints pull when they scale or are replaced: none expires by count, or the 51st run
    would delete the image a served model uses. ECR selects tagged images only by prefix or
    pattern and has no "all but" selection, so no age rule either: it could not spare the
    images of models still served."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"Expire untagged images beyond the newest {count}",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "imageCountMoreThan",
                        "countNumber": count,
                    },
                    "action": {"type": "expire"},
                }
            ]
        }
    )
