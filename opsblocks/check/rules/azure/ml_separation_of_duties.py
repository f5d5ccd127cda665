"""Identities that run code under test (jobs, notebooks, the train stage) cannot serve a model."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

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
BUILT_IN = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "f6c7c914-8db3-469d-8ca1-694a8f32e121": "AzureML Data Scientist",
}
SERVES = ("Owner", "Contributor", "AzureML Data Scientist", "Azure AI Developer")
"""Built-in roles that include workspaces/onlineEndpoints/deployments/write."""


def check(stack: Stack) -> Iterator[Flag]:
    gated = _deploy_identities(stack)
    identities = {n.urn for n in stack.of_type(IDENTITY)}
    runners = {d for n in stack.of_type(*RUNS_CODE) for d in n.dependencies
               if d in identities and d not in gated}  # fmt: skip
    for node in stack.of_type("azure-native:authorization:RoleAssignment"):
        role = _role_name(node)
        if role not in SERVES:
            continue
        for urn in node.dependencies:
            if urn in runners:
                yield Flag(
                    node,
                    f"{role} lets {stack.by_urn[urn].name}, which runs code under "
                    "test, write online endpoints and deployments",
                )


def _deploy_identities(stack: Stack) -> set[str]:
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


RULE = Rule(
    id="OB-AZURE-ML-009",
    severity=Severity.critical,
    title="Jobs, notebooks and the CI/CD train stage hold no role that writes online endpoints",
    protects="code under test deploying its own model to production, around the approval",
    fix=(
        "assign the no-serving custom role (not AzureML Data "
        "Scientist) to workload and train identities"
    ),
    source="opsblocks deploy review: separation of duties (train identity has no endpoint write)",
    check=check,
)
