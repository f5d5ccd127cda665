"""Every private endpoint registers its address in a private DNS zone."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:network:PrivateEndpoint"):
        groups = list(stack.dependents(node, "azure-native:network:PrivateDnsZoneGroup"))
        if not any(g.get("privateDnsZoneConfigs") for g in groups):
            yield Flag(node, "private endpoint without a private DNS zone group")


RULE = Rule(
    id="OB-AZURE-NET-002",
    severity=Severity.high,
    title="Private endpoints have a DNS zone group in the platform's private DNS zones",
    protects="clients resolving the service's public address and being refused once access is off",
    fix=(
        "add a PrivateDnsZoneGroup for the PrivateEndpoint "
        "with the privatelink zone of its group id"
    ),
    source="MCSB NS-2 (private link: private DNS integration)",
    check=check,
)
