"""AzureGithubActionsCicd: a deploy identity federated with one repository and branch."""

from __future__ import annotations

from typing import Any

from components.azure.github_actions import (
    AzureGithubActionsCicd,
    AzureGithubActionsCicdArgs,
    github_subject,
)
from opsblocks.preview import Graph
from tests.components.azure.cicd import (
    ACR,
    COMMON_ARGS,
    GROUP,
    ML_REGISTRY,
    SECRET_WORDS,
    TAGS,
    WORKLOAD_IDENTITY,
    WORKSPACE,
    grants,
    keys_of,
    role_definition,
)
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    TENANT,
    arm_id,
    custom,
    resolved,
    run,
    strays,
    taggable,
    untagged,
)

COMPONENT = "opsblocks:index:AzureGithubActionsCicd"
OUTPUTS = ("client_id", "tenant_id", "subscription_id", "identity_id", "identity_principal_id")

IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"


def arguments(**overrides: Any) -> AzureGithubActionsCicdArgs:
    values: dict[str, Any] = {**COMMON_ARGS, "repository": "acme/fraud-model"}
    return AzureGithubActionsCicdArgs(**values | overrides)


def cicd(**overrides: Any) -> Graph:
    return run(lambda: AzureGithubActionsCicd("cicd", arguments(**overrides)))


def outputs(**overrides: Any) -> dict[str, Any]:
    """The component's resolved outputs, as the wiring reads them."""
    return resolved(lambda: AzureGithubActionsCicd("cicd", arguments(**overrides)), OUTPUTS)[1]


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
        (principal, role_definition("Managed Identity Operator"), WORKLOAD_IDENTITY),
        (principal, role_definition("Reader"), GROUP),
    }


def test_without_an_ml_registry_there_is_no_registry_grant() -> None:
    graph = cicd(ml_registry_id=None)
    roles = {role for _, role, _ in grants(graph)}

    assert role_definition("AzureML Registry User") not in roles
    assert len(roles) == 4
    assert not [r for r in custom(graph) if r.name == "cicd-deploy-registry"]


def test_without_a_workload_identity_there_is_no_identity_operator_grant() -> None:
    graph = cicd(workload_identity_id=None)

    assert grants(graph) == {
        ("cicd-deploy-principal", role_definition(role), scope)
        for role, scope in (("AzureML Data Scientist", WORKSPACE), ("AcrPush", ACR),
                            ("AzureML Registry User", ML_REGISTRY), ("Reader", GROUP))
    }  # fmt: skip
    assert not [r for r in custom(graph) if r.name == "cicd-deploy-assign"]


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
        ("RoleAssignment", "cicd-deploy-assign"),
        ("RoleAssignment", "cicd-deploy-ml"),
        ("RoleAssignment", "cicd-deploy-push"),
        ("RoleAssignment", "cicd-deploy-read"),
        ("RoleAssignment", "cicd-deploy-registry"),
        ("UserAssignedIdentity", "cicd-deploy"),
    ]


def test_every_resource_belongs_to_the_component() -> None:
    assert strays(cicd(), COMPONENT) == []
    assert strays(cicd(ml_registry_id=None, workload_identity_id=None), COMPONENT) == []


def test_outputs_are_what_azure_login_takes() -> None:
    assert outputs() == {
        "client_id": "cicd-deploy-client",
        "tenant_id": TENANT,
        "subscription_id": SUBSCRIPTION,
        "identity_id": arm_id(IDENTITY, "cicd-deploy"),
        "identity_principal_id": "cicd-deploy-principal",
    }
