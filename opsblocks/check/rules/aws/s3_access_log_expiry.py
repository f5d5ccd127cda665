"""The server-access-log bucket expires old logs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "aws:s3/bucket:Bucket"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


def check(stack: Stack) -> Iterator[Flag]:
    buckets = list(stack.of_type(BUCKET))
    targets = {
        b.urn
        for logging in stack.of_type(LOGGING)
        for b in buckets
        if b.urn in logging.dependencies and b.parent != logging.parent
    }
    for bucket in buckets:
        if bucket.urn not in targets:
            continue
        rules = [r for c in stack.dependents(bucket, LIFECYCLE) for r in as_list(c.get("rules"))]
        if any(is_unknown(r) for r in rules):
            continue
        expiring = [
            r
            for r in rules
            if isinstance(r, Mapping)
            and r.get("status") == "Enabled"
            and isinstance(r.get("expiration"), Mapping)
            and (r["expiration"].get("days") or r["expiration"].get("date"))
        ]
        if not expiring:
            yield Flag(bucket, "access-log bucket keeps logs forever: no enabled expiration rule")


RULE = Rule(
    id="OB-AWS-S3-006",
    severity=Severity.low,
    title="The server-access-log bucket expires logs after a set retention",
    protects="access logs piling up without end: growing cost and personal data kept past need",
    fix="BucketLifecycleConfiguration on the log bucket: an Enabled rule with expiration days",
    source="related to AWS FSBP S3.13",
    check=check,
)
