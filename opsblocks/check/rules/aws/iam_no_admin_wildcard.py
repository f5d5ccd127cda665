"""No identity policy allows every action on every resource: Action * (or *:*), or NotAction
(every action it does not list), on Resource *."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._iam import ADMIN_POLICIES, held, managed

WILDCARDS = {"*", "*:*"}


def check(stack: Stack) -> Iterator[Flag]:
    flagged = set()
    for node, _, name in managed(stack, ADMIN_POLICIES):
        if node.urn not in flagged:
            flagged.add(node.urn)
            yield Flag(node, f"attaches {name}: full administrator")
    for holding in held(stack):
        statement = holding.statement
        everywhere = "*" in as_list(statement.get("Resource"))
        if not everywhere or holding.node.urn in flagged:
            continue
        actions = {str(a) for a in as_list(statement.get("Action"))}
        if WILDCARDS & actions:
            flagged.add(holding.node.urn)
            yield Flag(holding.node, "allows Action * on Resource *: full administrator")
        elif _all_but(as_list(statement.get("NotAction"))):
            flagged.add(holding.node.urn)
            but = ", ".join(str(a) for a in as_list(statement.get("NotAction")))
            yield Flag(holding.node, f"allows every action but {but} on Resource *")


def _all_but(excluded: list[Any]) -> bool:
    """A NotAction list that leaves actions allowed: not empty, no "*", nothing unknown."""
    return bool(excluded) and not any(is_unknown(a) or str(a) in WILDCARDS for a in excluded)


RULE = Rule(
    id="OB-AWS-IAM-001",
    severity=Severity.critical,
    title="No identity policy allows Action * on Resource *",
    protects="one leaked build or job credential owning the whole account",
    fix="list the actions the role needs on the ARNs of this blueprint's resources",
    source="AWS FSBP IAM.1",
    check=check,
)
