"""Prod blob storage keeps deleted blobs and containers recoverable; a workspace's storage
keeps its deleted file shares recoverable too.

The workspace storage holds file shares (`workspacefilestore`: notebooks, code snapshots);
the data lake holds none, so only the storage a Workspace uses needs share soft delete.
"""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ACCOUNT = "azure-native:storage:StorageAccount"
SERVICE = "azure-native:storage:BlobServiceProperties"
FILE_SERVICE = "azure-native:storage:FileServiceProperties"
WORKSPACE = "azure-native:machinelearningservices:Workspace"
BLOB_KINDS = ("StorageV2", "BlobStorage", "BlockBlobStorage", None)


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    workspace_storage = _workspace_storage(stack)
    for node in stack.of_type(ACCOUNT):
        missing = []
        if node.get("kind") in BLOB_KINDS:
            services = list(stack.dependents(node, SERVICE))
            missing += [p for p in ("deleteRetentionPolicy", "containerDeleteRetentionPolicy")
                        if not any(_on(s, p) for s in services)]  # fmt: skip
        if node.urn in workspace_storage:
            shares = stack.dependents(node, FILE_SERVICE)
            if not any(_on(s, "shareDeleteRetentionPolicy") for s in shares):
                missing.append("shareDeleteRetentionPolicy (workspace file shares)")
        if missing:
            yield Flag(node, f"prod storage account without {' and '.join(missing)}")


def _workspace_storage(stack: Stack) -> set[str]:
    """URNs of the storage accounts workspaces use: the one its `storageAccount` id names,
    else (id unknown before `up`) the account it waits for in its own component; the lake it
    also waits for (a datastore, a private endpoint target) is another component's."""
    used = set()
    for workspace in stack.of_type(WORKSPACE):
        named = workspace.get("storageAccount")
        for urn in workspace.dependencies:
            account = stack.by_urn.get(urn)
            if account is None or account.type != ACCOUNT:
                continue
            if isinstance(named, str) and not is_unknown(named):
                name = account.get("accountName")
                if isinstance(name, str) and named.rstrip("/").rsplit("/", 1)[-1] == name:
                    used.add(urn)
            elif account.parent == workspace.parent:
                used.add(urn)
    return used


def _on(service: Node, policy: str) -> bool:
    return service.get(f"{policy}.enabled") is True


RULE = Rule(
    id="OB-AZURE-ST-009",
    severity=Severity.high,
    title="Prod storage has blob and container soft delete, and share soft delete for a workspace",
    protects=(
        "a deleted container, overwritten blob or workspace file share (models, data, notebooks) "
        "lost for good"
    ),
    fix=(
        "add BlobServiceProperties with both delete retention policies; on workspace storage, "
        "FileServiceProperties too"
    ),
    source=(
        "CIS Microsoft Azure Foundations Benchmark v5.0.0 9.2.1 (blobs), 9.2.2 (containers), "
        "9.1.1 (file shares)"
    ),
    check=check,
)
