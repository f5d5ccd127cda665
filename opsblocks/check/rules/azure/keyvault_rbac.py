"""Vault data access is granted by Azure RBAC, not by vault access policies."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:keyvault:Vault"):
        rbac = node.get("properties.enableRbacAuthorization")
        if rbac is not True and not is_unknown(rbac):
            yield Flag(node, "key vault uses access policies instead of Azure RBAC")


RULE = Rule(
    id="OB-AZURE-KV-002",
    severity=Severity.medium,
    title="Key vaults use the Azure RBAC permission model",
    protects="vault-wide access policies no one reviews with the rest of the platform's roles",
    fix="set enable_rbac_authorization=True on the Vault properties and grant Key Vault data roles",
    source="Azure Policy: Azure Key Vault should use RBAC permission model",
    check=check,
)
