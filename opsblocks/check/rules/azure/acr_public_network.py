"""Prod container registries are reachable through private endpoints only."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.of_type("azure-native:containerregistry:Registry"):
        access = node.get("publicNetworkAccess")
        if is_unknown(access) or access == "Disabled":
            continue
        if node.get("networkRuleSet.defaultAction") == "Deny":
            continue
        yield Flag(
            node, f"prod container registry publicNetworkAccess is {access or 'unset (Enabled)'}"
        )


RULE = Rule(
    id="OB-AZURE-ACR-003",
    severity=Severity.high,
    title="Prod container registries disable public network access",
    protects="serving images pulled or pushed from any network with a stolen token",
    fix='in prod set public_network_access="Disabled" on the Registry (Premium, private endpoint)',
    source="Azure Policy: Public network access should be disabled for Container registries",
    check=check,
)
