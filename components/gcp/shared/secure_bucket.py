"""A Cloud Storage bucket that is private, CMEK-encrypted, versioned and logged.

Shared by every GCP component that keeps objects (data lake, model artifacts, pipeline root,
build artifacts), so the security settings live in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp


@dataclass(frozen=True, kw_only=True)
class GcpSecureBucketArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    region: str
    kms_key_id: pulumi.Input[str] | None = None
    """Customer-managed key of new objects (None: Google-managed encryption)."""
    access_log_bucket: pulumi.Input[str] | None = None
    """Bucket that receives usage logs; None for the access-log bucket itself."""
    protect: bool = False
    """Protect and retain the bucket: deleting the stack never deletes the data."""
    nearline_after_days: int | None = None
    noncurrent_versions_days: int = 90


class GcpSecureBucket(pulumi.ComponentResource):
    bucket: pulumi.Output[str]
    """Bucket name."""
    uri: pulumi.Output[str]
    """`gs://<bucket>/`"""

    def __init__(
        self, name: str, args: GcpSecureBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:GcpSecureBucket", name, {}, opts)
        bucket = gcp.storage.Bucket(
            name,
            project=args.project,
            location=args.region,
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning=gcp.storage.BucketVersioningArgs(enabled=True),
            encryption=(
                gcp.storage.BucketEncryptionArgs(default_kms_key_name=args.kms_key_id)
                if args.kms_key_id is not None
                else None
            ),
            logging=(
                gcp.storage.BucketLoggingArgs(log_bucket=args.access_log_bucket)
                if args.access_log_bucket is not None
                else None
            ),
            lifecycle_rules=_lifecycle_rules(args),
            force_destroy=False,
            labels=dict(args.labels),
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, retain_on_delete=args.protect
            ),
        )
        self.bucket = bucket.name
        self.uri = pulumi.Output.concat("gs://", bucket.name, "/")
        self.register_outputs({"bucket": self.bucket, "uri": self.uri})


def _lifecycle_rules(args: GcpSecureBucketArgs) -> list[gcp.storage.BucketLifecycleRuleArgs]:
    rules = [
        gcp.storage.BucketLifecycleRuleArgs(
            action=gcp.storage.BucketLifecycleRuleActionArgs(type="Delete"),
            condition=gcp.storage.BucketLifecycleRuleConditionArgs(
                days_since_noncurrent_time=args.noncurrent_versions_days, with_state="ARCHIVED"
            ),
        )
    ]
    if args.nearline_after_days is not None:
        rules.append(
            gcp.storage.BucketLifecycleRuleArgs(
                action=gcp.storage.BucketLifecycleRuleActionArgs(
                    type="SetStorageClass", storage_class="NEARLINE"
                ),
                condition=gcp.storage.BucketLifecycleRuleConditionArgs(
                    age=args.nearline_after_days, matches_storage_classes=["STANDARD"]
                ),
            )
        )
    return rules
