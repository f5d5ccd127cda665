"""What the tests of both Azure CI/CD tools share: the resources the deploy identity is granted
on, the built-in roles it gets, and how to read grants and input keys from a graph."""

from __future__ import annotations

from typing import Any

from opsblocks.preview import Graph
from tests.recording import RESOURCE_GROUP, SUBSCRIPTION, TENANT

TAGS = {"team": "risk", "opsblocks:capability": "cicd"}
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
WORKSPACE = f"{GROUP}/providers/Microsoft.MachineLearningServices/workspaces/fraud-prod"
ACR = f"{GROUP}/providers/Microsoft.ContainerRegistry/registries/fraudprodacr"
WORKSPACE_STORAGE = f"{GROUP}/providers/Microsoft.Storage/storageAccounts/fraudprodmla1b2c3"
ML_REGISTRY = f"{GROUP}/providers/Microsoft.MachineLearningServices/registries/fraud-prod"
WORKLOAD_IDENTITY = f"{GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-prod"
TRAIN_ROLE = f"{GROUP}/providers/Microsoft.Authorization/roleDefinitions/no-serving"
"""The training capability's no-serving custom role, given to CI/CD (defined and tested there)."""
COMMON_ARGS: dict[str, Any] = {
    "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "resource_group_id": GROUP,
    "location": "westeurope", "tenant_id": TENANT, "subscription_id": SUBSCRIPTION,
    "workspace_id": WORKSPACE, "workspace_storage_id": WORKSPACE_STORAGE, "acr_id": ACR,
    "ml_registry_id": ML_REGISTRY,
    "serving_identity_id": WORKLOAD_IDENTITY, "train_role_id": TRAIN_ROLE,
}  # fmt: skip
ROLE_IDS = {  # built-in role definition ids, the same in every tenant (not read from the code)
    "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    "AzureML Registry User": "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
}
SECRET_WORDS = ("password", "secret", "key", "certificate", "token")


def role_definition(role: str) -> str:
    definitions = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions"
    return f"{definitions}/{ROLE_IDS[role]}"


def grants(graph: Graph) -> set[tuple[str, str, str]]:
    """(principal, role definition id, scope) of every role assignment."""
    return {
        (r.inputs["principalId"], r.inputs["roleDefinitionId"], r.inputs["scope"])
        for r in graph.of_type("azure-native:authorization:RoleAssignment")
    }


def keys_of(value: Any) -> set[str]:
    """Every mapping key anywhere in a recorded input."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def separated_grants(*, operated: bool = True) -> set[tuple[str, ...]]:
    """The grants of both CI/CD identities: train may push images and run pipelines but not
    serve; only deploy may serve and operate the identity endpoints run as; both upload to the
    workspace storage, which takes no shared key, as themselves."""
    train, deploy = "cicd-train-principal", "cicd-deploy-principal"
    expected = {
        (train, TRAIN_ROLE, WORKSPACE),
        (train, role_definition("AcrPush"), ACR),
        (train, role_definition("Reader"), GROUP),
        (deploy, role_definition("AzureML Data Scientist"), WORKSPACE),
        (deploy, role_definition("Reader"), GROUP),
    }
    expected |= {(p, role_definition("AzureML Registry User"), ML_REGISTRY)
                 for p in (train, deploy)}  # fmt: skip
    expected |= {(p, role_definition("Storage Blob Data Contributor"), WORKSPACE_STORAGE)
                 for p in (train, deploy)}  # fmt: skip
    if operated:
        expected.add((deploy, role_definition("Managed Identity Operator"), WORKLOAD_IDENTITY))
    return expected
