"""Vaults keep deleted keys: soft delete always, purge protection in prod."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:keyvault:Vault"):
        if node.get("properties.enableSoftDelete") is False:
            yield Flag(node, "key vault with soft delete turned off")
        # Dev vaults are torn down and recreated; purge protection would block that for 90 days.
        elif stack.prod and node.get("properties.enablePurgeProtection") is not True:
            yield Flag(node, "prod key vault without purge protection")


RULE = Rule(
    id="OB-AZURE-KV-001",
    severity=Severity.high,
    title="Key vaults keep soft delete on, and purge protection on in prod",
    protects=(
        "a deleted or purged vault taking the platform key and every CMK-encrypted store with it"
    ),
    fix=(
        "set enable_soft_delete=True, and in prod "
        "enable_purge_protection=True, on the Vault properties"
    ),
    source="Azure Policy: Key vaults should have deletion protection enabled",
    check=check,
)
