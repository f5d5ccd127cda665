"""Storage accounts encrypt twice: service and infrastructure layers."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        required = node.get("encryption.requireInfrastructureEncryption")
        if required is not True and not is_unknown(required):
            yield Flag(node, "storage account without infrastructure (double) encryption")


RULE = Rule(
    id="OB-AZURE-ST-007",
    severity=Severity.medium,
    title="Storage accounts require infrastructure encryption",
    protects="one compromised encryption layer exposing the data; it can only be set at creation",
    fix="set encryption require_infrastructure_encryption=True when the StorageAccount is created",
    source="Azure Policy: Storage accounts should have infrastructure encryption",
    check=check,
)
