"""RSA keys are at least 2048 bits."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

MINIMUM_RSA_BITS = 2048


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:keyvault:Key"):
        if node.get("properties.kty") not in ("RSA", "RSA-HSM"):
            continue
        size = node.get("properties.keySize")
        # Unset: Key Vault creates 2048-bit RSA keys.
        if isinstance(size, (int, float)) and size < MINIMUM_RSA_BITS:
            yield Flag(node, f"RSA key of {int(size)} bits")


RULE = Rule(
    id="OB-AZURE-KV-005",
    severity=Severity.medium,
    title="RSA keys in Key Vault are at least 2048 bits",
    protects="a key short enough to be factored, exposing everything it wraps",
    fix="set properties.key_size to 2048 or more (3072 recommended) on the Key",
    source="Azure Policy: Keys using RSA cryptography should have a specified minimum key size",
    check=check,
)
