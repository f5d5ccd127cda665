"""Cloud Storage buckets grant access through IAM alone: no object ACLs."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "gcp:storage/bucket:Bucket"


def check(stack: Stack) -> Iterator[Flag]:
    for bucket in stack.of_type(BUCKET):
        uniform = bucket.get("uniformBucketLevelAccess")
        if uniform is not True and not is_unknown(uniform):
            yield Flag(
                bucket, "bucket without uniform bucket-level access: object ACLs still apply"
            )


RULE = Rule(
    id="OB-GCP-GCS-001",
    severity=Severity.medium,
    title="Cloud Storage buckets use uniform bucket-level access",
    protects="an object ACL granting access that the bucket's IAM policy and its audit never show",
    fix="set uniform_bucket_level_access=True on the gcp.storage.Bucket",
    source="CIS GCP 5.2",
    check=check,
)
