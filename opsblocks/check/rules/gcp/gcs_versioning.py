"""Cloud Storage buckets keep overwritten and deleted objects as noncurrent versions."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "gcp:storage/bucket:Bucket"


def check(stack: Stack) -> Iterator[Flag]:
    for bucket in stack.of_type(BUCKET):
        enabled = bucket.get("versioning.enabled")
        if (
            enabled is not True
            and not is_unknown(enabled)
            and not is_unknown(bucket.get("versioning"))
        ):
            yield Flag(bucket, "bucket without object versioning: an overwrite or delete is final")


RULE = Rule(
    id="OB-GCP-GCS-004",
    severity=Severity.medium,
    title="Cloud Storage buckets have object versioning on",
    protects="a bad job or a stolen credential overwriting or deleting data with no way back",
    fix="set versioning=BucketVersioningArgs(enabled=True) on the gcp.storage.Bucket",
    source="SCC Security Health Analytics: OBJECT_VERSIONING_DISABLED",
    check=check,
)
