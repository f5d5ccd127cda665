"""Prod storage is encrypted with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        source = node.get("encryption.keySource")
        if is_unknown(source):
            continue
        # ARM takes the enum in any case (the SDK sends "Microsoft.Keyvault", templates often
        # "Microsoft.KeyVault").
        if not isinstance(source, str) or source.lower() != "microsoft.keyvault":
            yield Flag(
                node, f"prod storage account encrypted with {source or 'Microsoft-managed'} keys"
            )
        elif not node.get("encryption.keyVaultProperties"):
            yield Flag(node, "prod storage account names Key Vault encryption but no key")


RULE = Rule(
    id="OB-AZURE-ST-006",
    severity=Severity.high,
    title="Prod storage accounts are encrypted with a customer-managed key",
    protects="no way to revoke access to the data at rest by disabling the platform key",
    fix=(
        "in prod set encryption "
        'key_source="Microsoft.Keyvault" with key_vault_properties and its identity'
    ),
    source="Azure Policy: Storage accounts should use customer-managed key for encryption",
    check=check,
)
