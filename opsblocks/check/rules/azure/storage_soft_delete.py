"""Prod blob storage keeps deleted blobs and containers recoverable."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack
from opsblocks.check.rule import Flag, Rule, Severity

SERVICE = "azure-native:storage:BlobServiceProperties"
BLOB_KINDS = ("StorageV2", "BlobStorage", "BlockBlobStorage", None)


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        if node.get("kind") not in BLOB_KINDS:
            continue
        services = list(stack.dependents(node, SERVICE))
        missing = [p for p in ("deleteRetentionPolicy", "containerDeleteRetentionPolicy")
                   if not any(_on(s, p) for s in services)]  # fmt: skip
        if missing:
            yield Flag(node, f"prod storage account without {' and '.join(missing)}")


def _on(service: Node, policy: str) -> bool:
    return service.get(f"{policy}.enabled") is True


RULE = Rule(
    id="OB-AZURE-ST-009",
    severity=Severity.high,
    title="Prod storage accounts have blob and container soft delete",
    protects="a deleted container or overwritten blob (models, training data) lost for good",
    fix=(
        "add BlobServiceProperties with "
        "delete_retention_policy and container_delete_retention_policy"
    ),
    source="CIS Microsoft Azure Foundations Benchmark v5.0.0 9.2.1 (blobs), 9.2.2 (containers)",
    check=check,
)
