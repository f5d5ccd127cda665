"""Storage accounts refuse TLS below 1.2."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ACCEPTED = ("TLS1_2", "TLS1_3")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        version = node.get("minimumTlsVersion")
        if is_unknown(version):
            continue
        # Unset leaves the service default, which older API versions put at TLS 1.0.
        if version not in ACCEPTED:
            yield Flag(node, f"storage account minimumTlsVersion is {version or 'unset'}")


RULE = Rule(
    id="OB-AZURE-ST-002",
    severity=Severity.high,
    title="Storage accounts require TLS 1.2 or later",
    protects="clients downgraded to TLS 1.0/1.1 and their known weaknesses",
    fix='set minimum_tls_version="TLS1_2" on the StorageAccount',
    source="Azure Policy: Storage accounts should have the specified minimum TLS version",
    check=check,
)
