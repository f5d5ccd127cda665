"""PostgreSQL servers refuse public networks: private endpoints (or VNet integration) only."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

SERVER = "azure-native:dbforpostgresql:Server"


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(SERVER):
        access = node.get("network.publicNetworkAccess")
        if is_unknown(access) or node.get("network.delegatedSubnetResourceId"):
            continue  # VNet-integrated servers have no public endpoint at all
        if access != "Disabled":
            yield Flag(node, f"PostgreSQL server open to public networks ({access or 'Enabled'})")


RULE = Rule(
    id="OB-AZURE-DB-001",
    severity=Severity.high,
    title="PostgreSQL flexible servers disable public network access",
    protects="the tracking database reachable from the internet with a stolen password",
    fix='set network=NetworkArgs(public_network_access="Disabled") and a private endpoint',
    source="Azure Policy: Public network access should be disabled for PostgreSQL flexible servers",
    check=check,
)
