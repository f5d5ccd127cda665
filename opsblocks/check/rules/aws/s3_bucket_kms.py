"""Buckets encrypt with the platform key; server-access-log targets with SSE-S3 (all they take)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._s3 import log_delivery_targets

BUCKET = "aws:s3/bucket:Bucket"
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
)
LOGGING = "aws:s3/bucketLogging:BucketLogging"
KMS = ("aws:kms", "aws:kms:dsse")


def _log_targets(stack: Stack) -> set[str]:
    """URNs of the buckets that receive server access logs: the bucket a BucketLogging reads
    besides the one it configures (the one under its own component)."""
    targets = set()
    buckets = list(stack.of_type(BUCKET))
    for logging in stack.of_type(LOGGING):
        used = [b for b in buckets if b.urn in logging.dependencies]
        if len(used) > 1:
            targets |= {b.urn for b in used if b.parent != logging.parent}
    return targets | log_delivery_targets(stack)


def check(stack: Stack) -> Iterator[Flag]:
    targets = _log_targets(stack)
    for bucket in stack.of_type(BUCKET):
        configs = list(stack.dependents(bucket, ENCRYPTION))
        if not configs:
            yield Flag(bucket, "no default encryption configuration")
            continue
        for config in configs:
            rules = as_list(config.get("rules"))
            for rule in rules:
                default = (
                    rule.get("applyServerSideEncryptionByDefault")
                    if isinstance(rule, Mapping)
                    else None
                )
                if not isinstance(default, Mapping) or is_unknown(default.get("sseAlgorithm")):
                    continue  # known only after `up`: cannot tell
                algorithm = default.get("sseAlgorithm")
                if bucket.urn in targets:
                    if algorithm != "AES256":
                        yield Flag(
                            bucket,
                            f"access-log target encrypted with {algorithm}: S3 "
                            "delivers server access logs only to SSE-S3 buckets",
                        )
                elif algorithm not in KMS:
                    yield Flag(bucket, f"default encryption {algorithm}, not the platform KMS key")
                elif default.get("kmsMasterKeyId") is None:
                    yield Flag(bucket, "SSE-KMS without kmsMasterKeyId: the AWS-managed aws/s3 key")


RULE = Rule(
    id="OB-AWS-S3-001",
    severity=Severity.high,
    title="Buckets encrypt by default with the platform KMS key (access-log targets with SSE-S3)",
    protects="objects readable by anyone with S3 read rights, with no key policy or key audit",
    fix="encryption config: sse_algorithm aws:kms, kms_master_key_id the platform key",
    source="AWS FSBP S3.17",
    check=check,
)
