"""A workspace whose storage refuses shared keys reaches it with its identity."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

STORAGE = "azure-native:storage:StorageAccount"


def check(stack: Stack) -> Iterator[Flag]:
    for workspace in stack.of_type("azure-native:machinelearningservices:Workspace"):
        mode = workspace.get("systemDatastoresAuthMode")
        if is_unknown(mode) or str(mode or "").lower() == "identity":
            continue
        # The workspace's own storage is the account it depends on under the same component.
        keyless = [s for s in stack.of_type(STORAGE)
                   if s.urn in workspace.dependencies and s.parent == workspace.parent
                   and s.get("allowSharedKeyAccess") is False]  # fmt: skip
        if keyless:
            yield Flag(workspace, f"system datastores use {mode or 'account keys'} but "
                       f"{keyless[0].name} refuses shared keys")  # fmt: skip


RULE = Rule(
    id="OB-AZURE-ML-013",
    severity=Severity.critical,
    title="A workspace whose storage disallows shared keys sets systemDatastoresAuthMode identity",
    protects="workspaceblobstore unusable: jobs, uploads and model registration fail after `up`",
    fix='set system_datastores_auth_mode="identity" on the Workspace',
    source=(
        "opsblocks deploy review: Disable shared key access for your workspace's storage account"
    ),
    check=check,
)
