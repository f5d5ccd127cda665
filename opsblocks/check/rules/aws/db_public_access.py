"""Databases are reachable only inside the network."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

DB_INSTANCE = "aws:rds/instance:Instance"


def check(stack: Stack) -> Iterator[Flag]:
    for db in stack.of_type(DB_INSTANCE):
        if db.get("publiclyAccessible") is True:
            yield Flag(db, "publicly accessible: it gets a public address in a public subnet")


RULE = Rule(
    id="OB-AWS-RDS-001",
    severity=Severity.critical,
    title="RDS databases are not publicly accessible",
    protects="a database reachable from the internet, one leaked or guessed password away",
    fix="aws.rds.Instance(publicly_accessible=False) in private subnets",
    source="AWS FSBP RDS.2",
    check=check,
)
