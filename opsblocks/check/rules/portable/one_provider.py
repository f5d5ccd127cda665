"""One explicit provider per cloud package: a second one deploys to a second place."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.portable.explicit_provider import is_default


def check(stack: Stack) -> Iterator[Flag]:
    seen: set[str] = set()
    for node in stack.nodes:
        if not node.is_provider or is_default(node):
            continue
        if node.type in seen:
            yield Flag(node, f"a second {node.type.rsplit(':', 1)[-1]} provider")
        seen.add(node.type)


RULE = Rule(
    id="OB-ALL-PROV-002",
    severity=Severity.medium,
    title="The platform has one explicit provider per cloud package",
    protects="part of the platform deployed with other credentials, account or region",
    fix="create the cloud's provider once in the program and pass it to every component",
    source="opsblocks design: one foundation (and provider) per cloud, shared",
    check=check,
)
