"""Keys rotate on a schedule and expire."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:keyvault:Key"):
        properties = node.get("properties")
        if is_unknown(properties):
            continue
        missing = []
        if not _rotates(node):
            missing.append("a rotate action in its rotation policy")
        if not (node.get("properties.rotationPolicy.attributes.expiryTime")
                or node.get("properties.attributes.exp")):  # fmt: skip
            missing.append("an expiry")
        if missing:
            yield Flag(node, f"key without {' or '.join(missing)}")


def _rotates(node: Node) -> bool:
    actions = as_list(node.get("properties.rotationPolicy.lifetimeActions"))
    return any(
        isinstance(a, Mapping)
        and str(a.get("action", {}).get("type", "")).lower() == "rotate"
        and bool(a.get("trigger"))
        for a in actions
    )


RULE = Rule(
    id="OB-AZURE-KV-004",
    severity=Severity.medium,
    title="Key Vault keys have a rotation policy that rotates them and an expiry",
    protects="one key version protecting years of data, with more time to compromise it",
    fix="set properties.rotation_policy with a rotate lifetime action and attributes.expiry_time",
    source="Azure Policy: Key Vault keys should have an expiration date",
    check=check,
)
