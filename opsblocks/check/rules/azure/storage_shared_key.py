"""Storage accounts take Microsoft Entra ID only: no account keys, no key-signed SAS."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        allowed = node.get("allowSharedKeyAccess")
        # Unset (null) is documented as equivalent to true.
        if allowed is not False and not is_unknown(allowed):
            yield Flag(node, "storage account allows Shared Key authorization")


RULE = Rule(
    id="OB-AZURE-ST-004",
    severity=Severity.high,
    title="Storage accounts disallow Shared Key authorization",
    protects="a leaked account key or key-signed SAS giving full access to every blob, unaudited",
    fix="set allow_shared_key_access=False on the StorageAccount (identities get data roles)",
    source="Azure Policy: Storage accounts should prevent shared key access",
    check=check,
)
