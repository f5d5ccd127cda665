"""Storage accounts accept HTTPS requests only."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        # Unset means true on every current API version; only an explicit false opens HTTP.
        if node.get("enableHttpsTrafficOnly") is False:
            yield Flag(node, "storage account accepts plain HTTP (enableHttpsTrafficOnly: false)")


RULE = Rule(
    id="OB-AZURE-ST-001",
    severity=Severity.high,
    title="Storage accounts accept secure transfer (HTTPS) only",
    protects="data and SAS tokens read or altered in transit over plain HTTP",
    fix="set enable_https_traffic_only=True on the StorageAccount",
    source="Azure Policy: Secure transfer to storage accounts should be enabled",
    check=check,
)
