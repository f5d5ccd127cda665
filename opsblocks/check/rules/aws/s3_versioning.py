"""Every bucket keeps object versions."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"


def check(stack: Stack) -> Iterator[Flag]:
    for bucket in stack.of_type(BUCKET):
        statuses = [
            v.get("versioningConfiguration.status") for v in stack.dependents(bucket, VERSIONING)
        ]
        if not any(s == "Enabled" or is_unknown(s) for s in statuses):
            yield Flag(bucket, "versioning is not enabled: an overwrite or delete loses the data")


RULE = Rule(
    id="OB-AWS-S3-004",
    severity=Severity.high,
    title="Every bucket has versioning enabled",
    protects="a bad write, a delete or ransomware destroying the only copy of data and models",
    fix="BucketVersioning with versioning_configuration status Enabled for the bucket",
    source="AWS FSBP S3.14",
    check=check,
)
