"""Vaults deny public networks: disabled in prod, default deny elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:keyvault:Vault"):
        access = node.get("properties.publicNetworkAccess")
        if is_unknown(access) or access == "Disabled":
            continue
        if stack.prod:
            yield Flag(node, f"prod key vault publicNetworkAccess is {access or 'unset (Enabled)'}")
            continue
        default = node.get("properties.networkAcls.defaultAction")
        if default != "Deny" and not is_unknown(default):
            yield Flag(
                node,
                f"key vault firewall allows all networks (defaultAction: {default or 'Allow'})",
            )


RULE = Rule(
    id="OB-AZURE-KV-003",
    severity=Severity.high,
    title="Key vaults disable public network access in prod and deny by default elsewhere",
    protects="the platform key and workspace secrets reachable from any network",
    fix='set public_network_access="Disabled" in prod, network_acls default_action="Deny" always',
    source="Azure Policy: Azure Key Vault should disable public network access",
    check=check,
)
