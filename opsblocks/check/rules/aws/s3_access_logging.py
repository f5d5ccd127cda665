"""Every bucket but the log target sends server access logs."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._s3 import log_delivery_targets

BUCKET = "aws:s3/bucket:Bucket"
LOGGING = "aws:s3/bucketLogging:BucketLogging"


def _sources_and_targets(stack: Stack) -> tuple[set[str], set[str]]:
    """(logged buckets, log target buckets): a BucketLogging configures the bucket under its own
    component and reads the target's name; with one bucket only, that one is the source."""
    sources: set[str] = set()
    targets: set[str] = set()
    buckets = list(stack.of_type(BUCKET))
    for logging in stack.of_type(LOGGING):
        used: list[Node] = [b for b in buckets if b.urn in logging.dependencies]
        if len(used) == 1:
            sources.add(used[0].urn)
            continue
        for bucket in used:
            (sources if bucket.parent == logging.parent else targets).add(bucket.urn)
    return sources, targets | log_delivery_targets(stack)


def check(stack: Stack) -> Iterator[Flag]:
    sources, targets = _sources_and_targets(stack)
    for bucket in stack.of_type(BUCKET):
        if bucket.urn not in sources and bucket.urn not in targets:
            yield Flag(bucket, "no server access logging")


RULE = Rule(
    id="OB-AWS-S3-005",
    severity=Severity.medium,
    title="Every bucket except the access-log bucket logs its requests to it",
    protects="no record of who read or deleted data, models or captures when investigating",
    fix="BucketLogging for the bucket, target_bucket the platform's access-log bucket",
    source="AWS FSBP S3.9",
    check=check,
)
