"""Object replication never copies the platform's blobs to another tenant."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        allowed = node.get("allowCrossTenantReplication")
        # Explicit false: the default changed over API versions, so unset is not trusted.
        if allowed is not False and not is_unknown(allowed):
            yield Flag(node, "storage account allows cross-tenant object replication")


RULE = Rule(
    id="OB-AZURE-ST-008",
    severity=Severity.medium,
    title="Storage accounts prevent cross-tenant object replication",
    protects="a replication policy silently copying data to an account in a foreign tenant",
    fix="set allow_cross_tenant_replication=False on the StorageAccount",
    source="Azure Policy: Storage accounts should prevent cross tenant object replication",
    check=check,
)
