"""A workspace with a user-assigned identity holds its documented roles before it is created."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.azure._roles import role_name

WORKSPACE = "azure-native:machinelearningservices:Workspace"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
STORAGE = "azure-native:storage:StorageAccount"
REQUIRED = {
    # "Set up authentication between Azure Machine Learning and other services": what a
    # user-assigned workspace identity must hold on each resource the workspace takes.
    "azure-native:keyvault:Vault": ("Contributor", "Key Vault Administrator"),
    "azure-native:containerregistry:Registry": ("Contributor",),
    "azure-native:applicationinsights:Component": ("Contributor",),
    STORAGE: ("Contributor", "Storage Blob Data Contributor"),
}


def check(stack: Stack) -> Iterator[Flag]:
    for workspace in stack.of_type(WORKSPACE):
        kind = workspace.get("identity.type")
        if is_unknown(kind) or "UserAssigned" not in str(kind or ""):
            continue
        identities = [d for d in workspace.dependencies if _is(stack, d, IDENTITY)]
        targets = [stack.by_urn[d] for d in workspace.dependencies if _is(stack, d, *REQUIRED)]
        # The lake is a datastore, not the workspace's own storage: that one is its sibling.
        targets = [t for t in targets if t.type != STORAGE or t.parent == workspace.parent]
        if not identities or not targets:
            continue
        held = {i: _held(stack, workspace, i) for i in identities}
        best = max(held.values(), key=len)
        missing = [f"{role} on {t.name}" for t in targets for role in REQUIRED[t.type]
                   if (t.urn, role) not in best and (t.urn, "Owner") not in best]  # fmt: skip
        if missing:
            yield Flag(
                workspace,
                "workspace identity lacks, before the workspace is created: " + ", ".join(missing),
            )


def _is(stack: Stack, urn: str, *types: str) -> bool:
    node = stack.by_urn.get(urn)
    return node is not None and node.type in types


def _held(stack: Stack, workspace: Node, identity: str) -> set[tuple[str, str]]:
    """(target, role) the identity holds through assignments the workspace waits for."""
    held = set()
    for urn in workspace.dependencies:
        node = stack.by_urn.get(urn)
        if node is None or node.type != ASSIGNMENT or identity not in node.dependencies:
            continue
        role = role_name(node)
        for target in node.dependencies:
            if target != identity and role:
                held.add((target, role))
    return held


RULE = Rule(
    id="OB-AZURE-RBAC-004",
    severity=Severity.critical,
    title="The workspace identity holds its documented roles on vault, registry, insights, storage",
    protects="the first `up` failing: a user-assigned workspace identity without them is refused",
    fix="grant the roles to the workspace identity and make the Workspace depend on the grants",
    source=(
        "opsblocks deploy review: role assignments a first `up` needs (Azure ML managed identities)"
    ),
    check=check,
)
