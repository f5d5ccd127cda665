"""No one gets Owner or access-administration roles; code-running identities get no Contributor."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ASSIGNMENT = "azure-native:authorization:RoleAssignment"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
BUILT_IN = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
}
ADMIN = ("Owner", "User Access Administrator", "Role Based Access Control Administrator")
WORKLOAD_TYPES = (
    # What runs code or a pipeline as an identity: computes, jobs, endpoints, CI/CD federation.
    "azure-native:machinelearningservices:Compute",
    "azure-native:machinelearningservices:Schedule",
    "azure-native:machinelearningservices:OnlineEndpoint",
    "azure-native:managedidentity:FederatedIdentityCredential",
    "azuredevops:index/serviceEndpointAzureRM:ServiceEndpointAzureRM",
)


def check(stack: Stack) -> Iterator[Flag]:
    workload = _workload_identities(stack)
    for node in stack.of_type(ASSIGNMENT):
        role = _role_name(node)
        if role in ADMIN:
            yield Flag(node, f"role assignment grants {role}")
        elif role == "Contributor":
            runners = [d for d in node.dependencies if d in workload]
            if runners:
                who = ", ".join(stack.by_urn[d].name for d in runners)
                yield Flag(node, f"Contributor for the workload identity {who}")


def _role_name(node: Node) -> str | None:
    definition = node.get("roleDefinitionId")
    if isinstance(definition, str) and not is_unknown(definition):
        guid = definition.rstrip("/").rsplit("/", 1)[-1].lower()
        if guid in BUILT_IN:
            return BUILT_IN[guid]
    description = node.get("description")
    if isinstance(description, str) and description.startswith("opsblocks: "):
        return description.removeprefix("opsblocks: ")
    return None


def _workload_identities(stack: Stack) -> set[str]:
    identities = {n.urn for n in stack.of_type(IDENTITY)}
    return {d for n in stack.of_type(*WORKLOAD_TYPES) for d in n.dependencies if d in identities}


RULE = Rule(
    id="OB-AZURE-RBAC-001",
    severity=Severity.critical,
    title="No Owner or access-administrator grants; no Contributor for identities that run code",
    protects="a job, endpoint or pipeline granting itself any role or rewriting the platform",
    fix="grant the narrowest built-in or custom role on the one resource the identity uses",
    source="MCSB PA-7 (follow just enough administration: least privilege)",
    check=check,
)
