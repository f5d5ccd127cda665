"""AzureGithubActionsCicd: a deploy identity federated with one repository and branch."""

from __future__ import annotations

from typing import Any

from components.azure.github_actions import (
    AzureGithubActionsCicd,
    AzureGithubActionsCicdArgs,
    github_subject,
)
from opsblocks.preview import Graph
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    TENANT,
    arm_id,
    custom,
    run,
    strays,
    taggable,
    untagged,
)

TAGS = {"team": "risk", "opsblocks:capability": "cicd"}
COMPONENT = "opsblocks:index:AzureGithubActionsCicd"
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
WORKSPACE = f"{GROUP}/providers/Microsoft.MachineLearningServices/workspaces/fraud-prod"
ACR = f"{GROUP}/providers/Microsoft.ContainerRegistry/registries/fraudprodacr"
ML_REGISTRY = f"{GROUP}/providers/Microsoft.MachineLearningServices/registries/fraud-prod"
ROLE_IDS = {  # built-in role definition ids, the same in every tenant
    "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    "AzureML Registry User": "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
}
OUTPUTS = ("client_id", "tenant_id", "subscription_id", "identity_id", "identity_principal_id")
SECRET_WORDS = ("password", "secret", "key", "certificate", "token")

IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"


def arguments(**overrides: Any) -> AzureGithubActionsCicdArgs:
    values: dict[str, Any] = {
        "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "resource_group_id": GROUP,
        "location": "westeurope", "tenant_id": TENANT, "subscription_id": SUBSCRIPTION,
        "workspace_id": WORKSPACE, "acr_id": ACR, "ml_registry_id": ML_REGISTRY,
        "repository": "acme/fraud-model",
    }  # fmt: skip
    return AzureGithubActionsCicdArgs(**values | overrides)


def cicd(**overrides: Any) -> Graph:
    return run(lambda: AzureGithubActionsCicd("cicd", arguments(**overrides)))


def outputs(**overrides: Any) -> dict[str, Any]:
    """The component's resolved outputs, as the wiring reads them."""
    found: dict[str, Any] = {}

    def build() -> None:
        component = AzureGithubActionsCicd("cicd", arguments(**overrides))
        for name in OUTPUTS:
            getattr(component, name).apply(lambda value, name=name: found.__setitem__(name, value))

    run(build)
    return found


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


def test_identity_trusts_github_tokens_of_the_repository_on_its_branch_only() -> None:
    credential = cicd(branch="release").named("cicd-github", "FederatedIdentityCredential")

    assert credential.inputs == {
        "resourceGroupName": RESOURCE_GROUP,
        "resourceName": "cicd-deploy",  # the deploy identity's name
        "issuer": "https://token.actions.githubusercontent.com",
        "subject": "repo:acme/fraud-model:ref:refs/heads/release",
        "audiences": ["api://AzureADTokenExchange"],
    }


def test_branch_defaults_to_main() -> None:
    credential = cicd().named("cicd-github", "FederatedIdentityCredential")

    assert credential.inputs["subject"] == "repo:acme/fraud-model:ref:refs/heads/main"
    assert github_subject("o/r", "feature/x") == "repo:o/r:ref:refs/heads/feature/x"


def test_deploy_identity_is_its_own_identity_in_the_resource_group() -> None:
    identity = cicd().named("cicd-deploy", "UserAssignedIdentity")

    assert identity.inputs == {"resourceGroupName": RESOURCE_GROUP, "location": "westeurope",
                               "tags": TAGS}  # fmt: skip


def test_deploy_identity_gets_exactly_the_pipeline_roles_each_on_one_resource() -> None:
    principal = "cicd-deploy-principal"

    assert grants(cicd()) == {
        (principal, role_definition("AzureML Data Scientist"), WORKSPACE),
        (principal, role_definition("AcrPush"), ACR),
        (principal, role_definition("AzureML Registry User"), ML_REGISTRY),
        (principal, role_definition("Reader"), GROUP),
    }


def test_without_an_ml_registry_there_is_no_registry_grant() -> None:
    graph = cicd(ml_registry_id=None)
    roles = {role for _, role, _ in grants(graph)}

    assert role_definition("AzureML Registry User") not in roles
    assert len(roles) == 3
    assert not [r for r in custom(graph) if r.name == "cicd-deploy-registry"]


def test_no_grant_reaches_beyond_the_resource_group() -> None:
    for assignment in cicd().of_type("azure-native:authorization:RoleAssignment"):
        scope = assignment.inputs["scope"]
        assert scope == GROUP or scope.startswith(f"{GROUP}/providers/"), scope
        assert assignment.inputs["principalType"] == "ServicePrincipal"


def test_no_secret_is_sent_anywhere() -> None:
    graph = cicd()
    sent = {key.lower() for r in graph.resources for key in keys_of(r.inputs)}

    assert not [key for key in sent if any(word in key for word in SECRET_WORDS)]
    assert not graph.of_type("azure-native:managedidentity:ServicePrincipal")


def test_nothing_is_protected() -> None:
    graph = cicd()

    assert not [r.name for r in graph.resources if r.protect or r.retain_on_delete]


def test_every_taggable_resource_carries_the_tags() -> None:
    graph = cicd()

    assert {r.name for r in taggable(graph)} == {"cicd-deploy"}
    assert untagged(graph, TAGS) == []


def test_it_creates_the_identity_its_credential_and_grants_and_nothing_else() -> None:
    assert sorted((r.type.split(":")[-1], r.name) for r in custom(cicd())) == [
        ("FederatedIdentityCredential", "cicd-github"),
        ("RoleAssignment", "cicd-deploy-ml"),
        ("RoleAssignment", "cicd-deploy-push"),
        ("RoleAssignment", "cicd-deploy-read"),
        ("RoleAssignment", "cicd-deploy-registry"),
        ("UserAssignedIdentity", "cicd-deploy"),
    ]


def test_every_resource_belongs_to_the_component() -> None:
    assert strays(cicd(), COMPONENT) == []
    assert strays(cicd(ml_registry_id=None), COMPONENT) == []


def test_outputs_are_what_azure_login_takes() -> None:
    assert outputs() == {
        "client_id": "cicd-deploy-client",
        "tenant_id": TENANT,
        "subscription_id": SUBSCRIPTION,
        "identity_id": arm_id(IDENTITY, "cicd-deploy"),
        "identity_principal_id": "cicd-deploy-principal",
    }
