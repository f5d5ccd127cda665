"""Prod storage is reachable through private endpoints only; any storage denies by default."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PRIVATE = ("Disabled", "SecuredByPerimeter")


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        access = node.get("publicNetworkAccess")
        if is_unknown(access) or access in PRIVATE:
            continue
        default = node.get("networkRuleSet.defaultAction")
        if is_unknown(default):
            continue
        if default != "Deny":
            yield Flag(
                node,
                "prod storage account is open to public networks "
                f"(publicNetworkAccess: {access or 'unset'}, defaultAction: {default or 'Allow'})",
            )


RULE = Rule(
    id="OB-AZURE-ST-005",
    severity=Severity.high,
    title="Prod storage accounts disable public network access or deny it by default",
    protects="the data lake reachable from any network with a stolen token",
    fix='in prod set public_network_access="Disabled" (or network_rule_set default_action="Deny")',
    source="Azure Policy: Storage accounts should disable public network access",
    check=check,
)
