"""Databases encrypt their storage and Performance Insights with the platform key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

DB_INSTANCE = "aws:rds/instance:Instance"


def check(stack: Stack) -> Iterator[Flag]:
    for db in stack.of_type(DB_INSTANCE):
        if db.get("storageEncrypted") is not True:
            yield Flag(db, "storage not encrypted")
        elif db.get("kmsKeyId") is None:
            yield Flag(db, "encrypted with the AWS-managed aws/rds key, not the platform key")
        if db.get("performanceInsightsEnabled") is True and (
            db.get("performanceInsightsKmsKeyId") is None
        ):
            yield Flag(db, "Performance Insights encrypted with aws/rds, not the platform key")


RULE = Rule(
    id="OB-AWS-RDS-002",
    severity=Severity.high,
    title="RDS databases and their Performance Insights encrypt with the platform KMS key",
    protects="data and query samples readable with storage or snapshot access, no key audit",
    fix="storage_encrypted=True, kms_key_id and performance_insights_kms_key_id the platform key",
    source="AWS FSBP RDS.3",
    check=check,
)
