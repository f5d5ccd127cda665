"""Prod databases cannot be deleted by accident, and leave a final snapshot if they are."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

DB_INSTANCE = "aws:rds/instance:Instance"


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for db in stack.of_type(DB_INSTANCE):
        missing = []
        if db.get("deletionProtection") is not True:
            missing.append("deletion protection")
        if db.get("skipFinalSnapshot") is not False or not db.get("finalSnapshotIdentifier"):
            missing.append("a final snapshot")
        if missing:
            yield Flag(db, f"prod database without {' and '.join(missing)}")


RULE = Rule(
    id="OB-AWS-RDS-004",
    severity=Severity.high,
    title="Prod RDS databases have deletion protection and take a final snapshot",
    protects="a console click or API call deleting prod's database with nothing to restore",
    fix="deletion_protection=True, skip_final_snapshot=False and final_snapshot_identifier in prod",
    source="AWS FSBP RDS.8",
    check=check,
)
