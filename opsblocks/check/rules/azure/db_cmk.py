"""Prod PostgreSQL servers are encrypted with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.of_type("azure-native:dbforpostgresql:Server"):
        kind = node.get("dataEncryption.type")
        if is_unknown(kind):
            continue
        if kind != "AzureKeyVault":
            yield Flag(
                node, f"prod PostgreSQL server encrypted with {kind or 'service-managed'} keys"
            )
        elif not node.get("dataEncryption.primaryKeyURI") or not node.get(
            "dataEncryption.primaryUserAssignedIdentityId"
        ):
            yield Flag(
                node, "prod PostgreSQL server names Key Vault encryption but no key or identity"
            )


RULE = Rule(
    id="OB-AZURE-DB-002",
    severity=Severity.high,
    title="Prod PostgreSQL flexible servers are encrypted with a customer-managed key",
    protects="no way to revoke access to the database at rest by disabling the platform key",
    fix="in prod set data_encryption (type AzureKeyVault, key URI, user-assigned identity)",
    source=(
        "Azure Policy: PostgreSQL flexible servers should use customer-managed keys to encrypt "
        "data at rest"
    ),
    check=check,
)
