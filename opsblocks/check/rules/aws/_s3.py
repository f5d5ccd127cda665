"""What the S3 rules share: which buckets receive server access logs."""

from __future__ import annotations

from collections.abc import Mapping

from opsblocks.check.graph import Stack, as_list, document

BUCKET = "aws:s3/bucket:Bucket"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LOG_DELIVERY = "logging.s3.amazonaws.com"


def log_delivery_targets(stack: Stack) -> set[str]:
    """URNs of the buckets whose policy lets S3 deliver server access logs to them: the target
    is known so even when no bucket of the platform logs to it yet."""
    targets = set()
    for bucket in stack.of_type(BUCKET):
        for policy in stack.dependents(bucket, POLICY):
            for statement in as_list(document(policy.get("policy")).get("Statement")):
                principal = statement.get("Principal") if isinstance(statement, Mapping) else None
                services = (
                    as_list(principal.get("Service")) if isinstance(principal, Mapping) else []
                )
                if statement.get("Effect") == "Allow" and LOG_DELIVERY in services:
                    targets.add(bucket.urn)
    return targets
