"""Prod logs are kept for a year."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PROD_DAYS = 365


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.of_type("azure-native:operationalinsights:Workspace"):
        days = node.get("retentionInDays")
        if is_unknown(days):
            continue
        # Unset: the PerGB2018 default of 30 days.
        kept = int(days) if isinstance(days, (int, float)) else 30
        if kept < PROD_DAYS:
            yield Flag(node, f"prod Log Analytics retention is {kept} days")


RULE = Rule(
    id="OB-AZURE-LOGS-001",
    severity=Severity.medium,
    title="Prod Log Analytics workspaces keep logs for at least 365 days",
    protects="the audit trail of an incident gone before anyone looks for it",
    fix="set retention_in_days=365 (or more) on the prod operationalinsights Workspace",
    source="MCSB LT-6 (configure log storage retention)",
    check=check,
)
