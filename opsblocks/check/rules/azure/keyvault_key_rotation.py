"""Keys rotate on a schedule, and the versions rotation creates expire.

The rotation policy's `expiryTime` sets the expiry of the key versions created after it is set
(a new version's `exp` is its creation time plus that duration), not of the version created
with the key: the first version expires only with its own `attributes.exp`. An `exp` on the key
alone, without a policy expiry, leaves every rotated version without one. So this rule holds
that new versions expire; it is not Azure Policy's "Key Vault keys should have an expiration
date", which also judges the current version.
"""

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
        if not node.get("properties.rotationPolicy.attributes.expiryTime"):
            missing.append("an expiry for the versions rotation creates")
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
    title="Key Vault keys rotate on a schedule, and the versions rotation creates expire",
    protects="one key version protecting years of data, with more time to compromise it",
    fix="set properties.rotation_policy with a rotate lifetime action and attributes.expiry_time",
    source=(
        "Microsoft, Configure cryptographic key auto-rotation in Azure Key Vault "
        "(expiryTime: expiry of new versions)"
    ),
    check=check,
)
