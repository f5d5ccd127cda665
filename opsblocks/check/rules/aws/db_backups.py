"""Databases keep automated backups for at least a week."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

DB_INSTANCE = "aws:rds/instance:Instance"
MIN_DAYS = 7


def check(stack: Stack) -> Iterator[Flag]:
    for db in stack.of_type(DB_INSTANCE):
        days = db.get("backupRetentionPeriod")
        if is_unknown(days):
            continue
        if not isinstance(days, int | float) or days < MIN_DAYS:
            kept = "no retention set" if days is None else f"backups kept {days:g} days"
            yield Flag(db, f"{kept}, less than {MIN_DAYS}: no point-in-time recovery past it")


RULE = Rule(
    id="OB-AWS-RDS-003",
    severity=Severity.high,
    title="RDS databases keep automated backups for at least 7 days",
    protects="a bad migration or deletion found a few days late, with no backup to restore",
    fix="aws.rds.Instance(backup_retention_period=7) or more (30 in prod)",
    source="AWS FSBP RDS.11",
    check=check,
)
