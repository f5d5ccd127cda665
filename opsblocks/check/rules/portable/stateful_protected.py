"""Stateful resources survive a `pulumi destroy` or a mistaken change in prod."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.stateful import STATEFUL


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.custom():
        if node.type not in STATEFUL:
            continue
        # The policy pack cannot see retain_on_delete (None): protect is what it can check.
        settings = (("protect", node.protect), ("retain_on_delete", node.retain_on_delete))
        missing = [name for name, on in settings if on is False]
        if missing:
            yield Flag(node, f"prod {node.type.rsplit(':', 1)[-1]} without {' and '.join(missing)}")


RULE = Rule(
    id="OB-ALL-DATA-001",
    severity=Severity.high,
    title="Stateful resources are protected and retained in prod",
    protects="a destroy, a rename or a replacement deleting buckets, keys, registries, databases",
    fix="create the resource with ResourceOptions(protect=True, retain_on_delete=True) in prod",
    source="opsblocks data-safety default: stateful resources protected in prod",
    check=check,
)
