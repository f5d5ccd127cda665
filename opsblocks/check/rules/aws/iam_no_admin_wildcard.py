"""No identity policy allows every action on every resource."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._iam import ADMIN_POLICIES, held, managed


def check(stack: Stack) -> Iterator[Flag]:
    for node, _, name in managed(stack, ADMIN_POLICIES):
        yield Flag(node, f"attaches {name}: full administrator")
    flagged = set()
    for holding in held(stack):
        actions = {str(a) for a in as_list(holding.statement.get("Action"))}
        wildcard = {"*", "*:*"} & actions and "*" in as_list(holding.statement.get("Resource"))
        if wildcard and holding.node.urn not in flagged:
            flagged.add(holding.node.urn)
            yield Flag(holding.node, "allows Action * on Resource *: full administrator")


RULE = Rule(
    id="OB-AWS-IAM-001",
    severity=Severity.critical,
    title="No identity policy allows Action * on Resource *",
    protects="one leaked build or job credential owning the whole account",
    fix="list the actions the role needs on the ARNs of this blueprint's resources",
    source="AWS FSBP IAM.1",
    check=check,
)
