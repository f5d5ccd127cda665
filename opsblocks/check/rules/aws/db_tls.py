"""PostgreSQL databases refuse connections without TLS (rds.force_ssl)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

DB_INSTANCE = "aws:rds/instance:Instance"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
FORCE_SSL = "rds.force_ssl"
FORCED_BY_DEFAULT_FROM = 15
"""RDS for PostgreSQL 15 and later sets rds.force_ssl to 1 in its default parameter groups."""
MAJOR = re.compile(r"^(\d+)")


def _major(engine_version: object) -> int | None:
    """The major version; None when unset (RDS then picks its newest) or unknown."""
    found = MAJOR.match(engine_version) if isinstance(engine_version, str) else None
    return int(found.group(1)) if found else None


def _force_ssl(group: Node) -> str | None:
    for parameter in as_list(group.get("parameters")):
        if isinstance(parameter, dict) and parameter.get("name") == FORCE_SSL:
            return str(parameter.get("value"))
    return None


def check(stack: Stack) -> Iterator[Flag]:
    groups = {g.urn: g for g in stack.of_type(PARAMETER_GROUP)}
    for db in stack.of_type(DB_INSTANCE):
        if db.get("engine") != "postgres":
            continue
        major = _major(db.get("engineVersion"))
        forced_by_default = major is None or major >= FORCED_BY_DEFAULT_FROM
        used = [groups[urn] for urn in db.dependencies if urn in groups]
        if not used:
            # A group named but not in the stack cannot be read: only the default is judged.
            if db.get("parameterGroupName") is None and not forced_by_default:
                yield Flag(db, f"PostgreSQL {major} default parameters accept plain connections")
            continue
        for group in used:
            value = _force_ssl(group)
            if value == "0" or (value is None and not forced_by_default):
                yield Flag(db, f"parameter group {group.name} accepts plain connections")


RULE = Rule(
    id="OB-AWS-RDS-005",
    severity=Severity.high,
    title="RDS PostgreSQL databases require TLS (rds.force_ssl = 1)",
    protects="passwords and data crossing the network in clear text",
    fix="a parameter group with rds.force_ssl = 1 (PostgreSQL 15+ defaults to it: never set 0)",
    source="AWS RDS User Guide: requiring an SSL connection to a PostgreSQL DB instance",
    check=check,
)
