"""Subnets sit behind a network security group, and no group lets the internet in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ANYWHERE = ("*", "internet", "any", "0.0.0.0/0", "::/0")
NO_NSG = (
    "GatewaySubnet",
    "AzureFirewallSubnet",
    "AzureFirewallManagementSubnet",
    "RouteServerSubnet",
)
"""Subnets Azure refuses an NSG on (or manages itself)."""


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:network:Subnet"):
        if node.get("subnetName") in NO_NSG:
            continue
        if not node.get("networkSecurityGroup"):
            yield Flag(node, "subnet without a network security group")
    for node in stack.of_type("azure-native:network:NetworkSecurityGroup"):
        for rule in as_list(node.get("securityRules")):
            properties = rule.get("properties", rule) if isinstance(rule, Mapping) else {}
            if _open_inbound(properties):
                yield Flag(node, f"rule {rule.get('name', '?')} allows inbound from the internet")
    for node in stack.of_type("azure-native:network:SecurityRule"):
        if _open_inbound(node.inputs):
            yield Flag(node, "security rule allows inbound from the internet")


def _open_inbound(rule: Mapping[str, Any]) -> bool:
    if rule.get("direction") != "Inbound" or rule.get("access") != "Allow":
        return False
    sources = as_list(rule.get("sourceAddressPrefix")) + as_list(rule.get("sourceAddressPrefixes"))
    return any(isinstance(s, str) and not is_unknown(s) and s.lower() in ANYWHERE for s in sources)


RULE = Rule(
    id="OB-AZURE-NET-001",
    severity=Severity.high,
    title="Subnets have a network security group and no NSG rule allows inbound from the internet",
    protects="private endpoints and agents in the VNet reachable from the internet",
    fix=(
        "attach a NetworkSecurityGroup to every Subnet; no "
        'Inbound Allow rule from "Internet" or "*"'
    ),
    source="Azure Policy: Subnets should be associated with a Network Security Group; MCSB NS-1",
    check=check,
)
