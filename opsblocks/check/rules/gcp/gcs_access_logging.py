"""Cloud Storage buckets write usage logs to the platform's access-log bucket."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "gcp:storage/bucket:Bucket"
BUCKET_GRANTS = ("gcp:storage/bucketIAMMember:BucketIAMMember",
                 "gcp:storage/bucketIAMBinding:BucketIAMBinding")  # fmt: skip
LOG_WRITER = "group:cloud-storage-analytics@google.com"
"""The group Cloud Storage delivers usage logs as: it may create objects in the log bucket."""


def _receives_usage_logs(stack: Stack, bucket: Node) -> bool:
    """The access-log bucket itself: logging it into itself would loop."""
    return any(
        LOG_WRITER in as_list(grant.get("member")) + as_list(grant.get("members"))
        for grant in stack.dependents(bucket, *BUCKET_GRANTS)
    )


def check(stack: Stack) -> Iterator[Flag]:
    for bucket in stack.of_type(BUCKET):
        target = bucket.get("logging.logBucket")
        if target or is_unknown(bucket.get("logging")) or _receives_usage_logs(stack, bucket):
            continue
        yield Flag(bucket, "bucket without usage logging (logging.logBucket not set)")


RULE = Rule(
    id="OB-GCP-GCS-005",
    severity=Severity.medium,
    title="Cloud Storage buckets log their usage to the access-log bucket",
    protects="no record of who read or wrote which object when a data leak is investigated",
    fix="set logging=BucketLoggingArgs(log_bucket=<access-log bucket>) on the gcp.storage.Bucket",
    source="SCC Security Health Analytics: BUCKET_LOGGING_DISABLED",
    check=check,
)
