"""PostgreSQL servers keep automated backups at least a week."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

MINIMUM_DAYS = 7


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:dbforpostgresql:Server"):
        days = node.get("backup.backupRetentionDays")
        if is_unknown(days):
            continue
        if not isinstance(days, int | float) or days < MINIMUM_DAYS:
            yield Flag(node, f"PostgreSQL server keeps backups {days or 'the default'} days "
                             f"(at least {MINIMUM_DAYS})")  # fmt: skip


RULE = Rule(
    id="OB-AZURE-DB-003",
    severity=Severity.medium,
    title="PostgreSQL flexible servers keep at least 7 days of automated backups, said explicitly",
    protects="runs and registered models lost past recovery after a bad migration or a deletion",
    fix="set backup=BackupArgs(backup_retention_days=7 or more; 30 in prod)",
    source="CIS Microsoft Azure Foundations: database backup retention",
    check=check,
)
