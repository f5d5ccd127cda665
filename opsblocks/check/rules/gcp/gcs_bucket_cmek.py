"""Cloud Storage buckets encrypt with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "gcp:storage/bucket:Bucket"


def check(stack: Stack) -> Iterator[Flag]:
    for bucket in stack.of_type(BUCKET):
        key = bucket.get("encryption.defaultKmsKeyName")
        if is_unknown(key) or is_unknown(bucket.get("encryption")):
            continue
        if not key:
            yield Flag(bucket, "bucket without a default KMS key: Google-managed encryption")


RULE = Rule(
    id="OB-GCP-GCS-003",
    severity=Severity.high,
    title="Cloud Storage buckets encrypt new objects with the customer-managed key",
    protects="data the platform cannot revoke or audit access to by disabling its own key",
    fix="set encryption=BucketEncryptionArgs(default_kms_key_name=<platform key id>) on the bucket",
    source="SCC Security Health Analytics: BUCKET_CMEK_DISABLED",
    check=check,
)
