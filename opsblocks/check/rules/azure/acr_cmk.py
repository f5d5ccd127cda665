"""Prod Premium container registries are encrypted with a customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.of_type("azure-native:containerregistry:Registry"):
        # Only Premium takes a customer-managed key.
        if node.get("sku.name") != "Premium":
            continue
        status = node.get("encryption.status")
        if is_unknown(status):
            continue
        if str(status).lower() != "enabled" or not node.get("encryption.keyVaultProperties"):
            yield Flag(
                node, "prod Premium container registry encrypted with a Microsoft-managed key"
            )


RULE = Rule(
    id="OB-AZURE-ACR-004",
    severity=Severity.medium,
    title="Prod Premium container registries are encrypted with a customer-managed key",
    protects="no way to revoke access to images at rest; the key can only be set at creation",
    fix='set encryption status="enabled" with key_vault_properties and a user-assigned identity',
    source="Azure Policy: Container registries should be encrypted with a customer-managed key",
    check=check,
)
