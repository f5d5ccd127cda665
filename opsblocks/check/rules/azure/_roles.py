"""What the Azure role rules share: the name of the role an assignment grants, and the
identities that run code under test (jobs, notebooks, schedules, the CI/CD train stage)."""

from __future__ import annotations

from opsblocks.check.graph import Node, Stack, is_unknown

ASSIGNMENT = "azure-native:authorization:RoleAssignment"
DEFINITION = "azure-native:authorization:RoleDefinition"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
FEDERATED = "azure-native:managedidentity:FederatedIdentityCredential"
CONNECTION = "azuredevops:index/serviceEndpointAzureRM:ServiceEndpointAzureRM"
APPROVAL = "azuredevops:index/checkApproval:CheckApproval"
RUNS_CODE = (
    "azure-native:machinelearningservices:Compute",
    "azure-native:machinelearningservices:Schedule",
    FEDERATED,
    CONNECTION,
)
"""What runs code, or a pipeline, as the identity it depends on."""
BUILT_IN = {
    # Built-in role definition ids, the same in every tenant ("Azure built-in roles").
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
    "f6c7c914-8db3-469d-8ca1-694a8f32e121": "AzureML Data Scientist",
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
}
SERVES = ("Owner", "Contributor", "AzureML Data Scientist", "Azure AI Developer")
"""Built-in roles that include workspaces/onlineEndpoints/deployments/write."""


def role_name(node: Node) -> str | None:
    """The built-in role an assignment grants, by its definition id, else the role its
    opsblocks description names; None when neither says."""
    definition = node.get("roleDefinitionId")
    if isinstance(definition, str) and not is_unknown(definition):
        guid = definition.rstrip("/").rsplit("/", 1)[-1].lower()
        if guid in BUILT_IN:
            return BUILT_IN[guid]
    description = node.get("description")
    if isinstance(description, str) and description.startswith("opsblocks: "):
        return description.removeprefix("opsblocks: ")
    return None


def deploy_identities(stack: Stack) -> set[str]:
    """The identity behind an approval-gated deploy: a GitHub environment's federated
    credential, or an Azure DevOps service connection behind an approval check."""
    gated: set[str] = set()
    for node in stack.of_type(FEDERATED):
        if ":environment:" in str(node.get("subject") or ""):
            gated.update(node.dependencies)
    approved = {d for n in stack.of_type(APPROVAL) for d in n.dependencies}
    for node in stack.of_type(CONNECTION):
        if node.urn in approved:
            gated.update(node.dependencies)
            gated.update(f.urn for f in stack.of_type(FEDERATED) if node.urn in f.dependencies)
    return gated


def runners(stack: Stack) -> set[str]:
    """URNs of the identities that run code under test: what a compute, a schedule or an
    ungated CI/CD credential runs as."""
    gated = deploy_identities(stack)
    identities = {n.urn for n in stack.of_type(IDENTITY)}
    return {d for n in stack.of_type(*RUNS_CODE) for d in n.dependencies
            if d in identities and d not in gated}  # fmt: skip
