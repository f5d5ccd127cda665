"""Log groups keep logs for a set time: a year in prod."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PROD_DAYS = 365


def check(stack: Stack) -> Iterator[Flag]:
    for group in stack.of_type(LOG_GROUP):
        days = group.get("retentionInDays")
        if is_unknown(days):
            continue
        if not days:
            yield Flag(group, "no retention: logs are kept, and paid for, forever")
        elif stack.prod and isinstance(days, int | float) and days < PROD_DAYS:
            yield Flag(group, f"prod logs kept {days:g} days, less than {PROD_DAYS}")


RULE = Rule(
    id="OB-AWS-LOGS-002",
    severity=Severity.medium,
    title="Log groups set a retention, of at least 365 days in prod",
    protects="prod logs gone before an incident is investigated, or kept forever at a cost",
    fix="aws.cloudwatch.LogGroup(retention_in_days=365) in prod, a set number of days elsewhere",
    source="AWS FSBP CloudWatch.16",
    check=check,
)
