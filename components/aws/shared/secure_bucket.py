"""An S3 bucket that is private, encrypted, versioned, logged and TLS-only.

Shared by every AWS component that keeps objects (data lake, model artifacts, data capture,
pipeline artifacts), so the security settings live in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.shared import iam


@dataclass(frozen=True, kw_only=True)
class AwsSecureBucketArgs:
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str] | None = None
    """Customer-managed key for SSE-KMS; None means SSE-S3 (required for access-log targets)."""
    access_log_bucket: pulumi.Input[str] | None = None
    """Bucket that receives server access logs; None for the access-log bucket itself."""
    protect: bool = False
    """Protect and retain the bucket: deleting the stack never deletes the data."""
    infrequent_access_after_days: int | None = None
    noncurrent_versions_days: int = 90
    expire_after_days: int | None = None
    """Delete current objects after this many days (their last version then goes after
    `noncurrent_versions_days`); None keeps them."""
    log_delivery_account_id: pulumi.Input[str] | None = None
    """Make this the access-log bucket: S3 log delivery from this account may write to it."""


class AwsSecureBucket(pulumi.ComponentResource):
    bucket: pulumi.Output[str]
    """Bucket name."""
    arn: pulumi.Output[str]
    uri: pulumi.Output[str]
    """`s3://<bucket>/`"""

    def __init__(
        self, name: str, args: AwsSecureBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AwsSecureBucket", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)

        bucket = aws.s3.Bucket(
            name,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, retain_on_delete=args.protect
            ),
        )
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        by_default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(  # noqa: E501
            sse_algorithm="aws:kms" if args.kms_key_arn is not None else "AES256",
            kms_master_key_id=args.kms_key_arn,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=by_default,
                    bucket_key_enabled=args.kms_key_arn is not None,
                )
            ],
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"
            ),
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[_lifecycle_rule(args)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        if args.access_log_bucket is not None:
            aws.s3.BucketLogging(
                f"{name}-logging",
                bucket=bucket.id,
                target_bucket=args.access_log_bucket,
                target_prefix=pulumi.Output.concat(bucket.id, "/"),
                opts=child,
            )
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket.id,
            policy=iam.document(*_policy_statements(bucket, args)),
            # A bucket policy is rejected while the public access block is being applied.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access, ownership]),
        )

        self.bucket = bucket.bucket
        self.arn = bucket.arn
        self.uri = pulumi.Output.concat("s3://", bucket.bucket, "/")
        self.register_outputs({"bucket": self.bucket, "arn": self.arn})


def _policy_statements(bucket: aws.s3.Bucket, args: AwsSecureBucketArgs) -> list[iam.Statement]:
    statements = [iam.tls_only(bucket.arn)]
    if args.log_delivery_account_id is not None:
        statements.append(
            {
                "Sid": "S3ServerAccessLogDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": iam.objects_of(bucket.arn),
                "Condition": {"StringEquals": {"aws:SourceAccount": args.log_delivery_account_id}},
            }
        )
    return statements


def _lifecycle_rule(
    args: AwsSecureBucketArgs,
) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    transitions = (
        [
            aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                days=args.infrequent_access_after_days, storage_class="STANDARD_IA"
            )
        ]
        if args.infrequent_access_after_days is not None
        else None
    )
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="tiering-and-cleanup",
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        transitions=transitions,
        expiration=(
            aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.expire_after_days)
            if args.expire_after_days is not None
            else None
        ),
        noncurrent_version_expiration=(
            aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=args.noncurrent_versions_days
            )
        ),
        abort_incomplete_multipart_upload=(
            aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=7
            )
        ),
    )
