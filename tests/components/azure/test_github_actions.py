"""AzureGithubActionsCicd: train and deploy identities federated with one repository."""

from __future__ import annotations

from typing import Any

from components.azure.github_actions.component import (
    AzureGithubActionsCicd,
    AzureGithubActionsCicdArgs,
    github_environment_subject,
    github_subject,
)
from opsblocks.preview import Graph
from tests.components.azure.cicd import (
    COMMON_ARGS,
    GROUP,
    SECRET_WORDS,
    TAGS,
    grants,
    keys_of,
    separated_grants,
)
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    TENANT,
    args_of,
    arm_id,
    custom,
    resolved,
    run,
    strays,
)

COMPONENT = "opsblocks:index:AzureGithubActionsCicd"
OUTPUTS = ("client_id", "train_client_id", "tenant_id", "subscription_id", "identity_id",
           "identity_principal_id")  # fmt: skip

IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"


def arguments(**overrides: Any) -> AzureGithubActionsCicdArgs:
    values: dict[str, Any] = {**COMMON_ARGS, "repository": "acme/fraud-model"}
    return args_of(AzureGithubActionsCicdArgs, **values | overrides)


def cicd(**overrides: Any) -> Graph:
    return run(lambda: AzureGithubActionsCicd("cicd", arguments(**overrides)))


def outputs(**overrides: Any) -> dict[str, Any]:
    """The component's resolved outputs, as the wiring reads them."""
    return resolved(lambda: AzureGithubActionsCicd("cicd", arguments(**overrides)), OUTPUTS)[1]


def test_train_identity_trusts_github_tokens_of_the_repository_on_its_branch_only() -> None:
    credential = cicd(branch="release").named("cicd-github-train", "FederatedIdentityCredential")

    assert credential.inputs == {
        "resourceGroupName": RESOURCE_GROUP,
        "resourceName": "cicd-train",  # the train identity's name
        "issuer": "https://token.actions.githubusercontent.com",
        "subject": "repo:acme/fraud-model:ref:refs/heads/release",
        "audiences": ["api://AzureADTokenExchange"],
    }


def test_deploy_identity_trusts_only_jobs_in_the_protected_environment_not_a_branch() -> None:
    graph = cicd(branch="release", environment="prod-approval")
    credential = graph.named("cicd-github-deploy", "FederatedIdentityCredential")

    # Any workflow on the branch can ask for a branch token; an environment job waits for the
    # environment's reviewers, whatever the workflow file says.
    assert credential.inputs == {
        "resourceGroupName": RESOURCE_GROUP,
        "resourceName": "cicd-deploy",
        "issuer": "https://token.actions.githubusercontent.com",
        "subject": "repo:acme/fraud-model:environment:prod-approval",
        "audiences": ["api://AzureADTokenExchange"],
    }
    subjects = [c.inputs["subject"] for c in graph.of_type(
        "azure-native:managedidentity:FederatedIdentityCredential")
        if c.inputs["resourceName"] == "cicd-deploy"]  # fmt: skip
    assert subjects == ["repo:acme/fraud-model:environment:prod-approval"]


def test_branch_defaults_to_main_and_environment_to_production() -> None:
    graph = cicd()
    subjects = {r.name: r.inputs["subject"] for r in graph.of_type(
        "azure-native:managedidentity:FederatedIdentityCredential")}  # fmt: skip

    assert subjects == {
        "cicd-github-train": "repo:acme/fraud-model:ref:refs/heads/main",
        "cicd-github-deploy": "repo:acme/fraud-model:environment:production",
    }
    assert github_subject("o/r", "feature/x") == "repo:o/r:ref:refs/heads/feature/x"
    assert github_environment_subject("o/r", "prod") == "repo:o/r:environment:prod"


def test_deploy_identity_is_its_own_identity_in_the_resource_group() -> None:
    identity = cicd().named("cicd-deploy", "UserAssignedIdentity")

    assert identity.inputs == {"resourceGroupName": RESOURCE_GROUP, "location": "westeurope",
                               "tags": TAGS}  # fmt: skip


def test_train_and_deploy_identities_get_separate_roles_each_on_one_resource() -> None:
    graph = cicd()

    assert grants(graph) == separated_grants()
    assert not graph.of_type("azure-native:authorization:RoleDefinition")  # training defines it


def test_both_identities_upload_to_the_workspace_storage_as_themselves() -> None:
    # The workspace storage refuses shared keys: `az ml job create` uploads local code with
    # the caller's token.
    assert grants(cicd()) == separated_grants()


def test_without_a_workload_identity_there_is_no_identity_operator_grant() -> None:
    graph = cicd(serving_identity_id=None)

    assert grants(graph) == separated_grants(operated=False)
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


def test_it_creates_the_identity_its_credential_and_grants_and_nothing_else() -> None:
    assert sorted((r.type.split(":")[-1], r.name) for r in custom(cicd())) == [
        ("FederatedIdentityCredential", "cicd-github-deploy"),
        ("FederatedIdentityCredential", "cicd-github-train"),
        ("RoleAssignment", "cicd-deploy-assign"),
        ("RoleAssignment", "cicd-deploy-ml"),
        ("RoleAssignment", "cicd-deploy-read"),
        ("RoleAssignment", "cicd-deploy-registry"),
        ("RoleAssignment", "cicd-deploy-storage"),
        ("RoleAssignment", "cicd-train-ml"),
        ("RoleAssignment", "cicd-train-push"),
        ("RoleAssignment", "cicd-train-read"),
        ("RoleAssignment", "cicd-train-registry"),
        ("RoleAssignment", "cicd-train-storage"),
        ("UserAssignedIdentity", "cicd-deploy"),
        ("UserAssignedIdentity", "cicd-train"),
    ]


def test_every_resource_belongs_to_the_component() -> None:
    assert strays(cicd(), COMPONENT) == []
    assert strays(cicd(serving_identity_id=None), COMPONENT) == []


def test_outputs_are_what_azure_login_takes() -> None:
    assert outputs() == {
        "client_id": "cicd-deploy-client",
        "train_client_id": "cicd-train-client",
        "tenant_id": TENANT,
        "subscription_id": SUBSCRIPTION,
        "identity_id": arm_id(IDENTITY, "cicd-deploy"),
        "identity_principal_id": "cicd-deploy-principal",
    }
