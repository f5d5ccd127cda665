"""AzureDevopsCicd: project, repository, pipeline and a federated service connection."""

from __future__ import annotations

from typing import Any

import pytest

from components.azure.azure_devops.agents import agent_path
from components.azure.azure_devops.component import (
    AzureDevopsCicd,
    AzureDevopsCicdArgs,
    pipeline_number,
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

COMPONENT = "opsblocks:index:AzureDevopsCicd"
OUTPUTS = ("project_id", "repository_url", "pipeline_id", "service_connection_id",
           "service_connection_name", "train_service_connection_name", "approvers_group",
           "client_id", "train_client_id", "identity_id", "identity_principal_id")  # fmt: skip

# What Azure DevOps answers, as tests.recording makes it up: a build definition's id is a
# number, and a federated service connection has an issuer and a subject of its own.
PIPELINE_ID = "42"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
SUBJECT = "/eid1/c/pub/t/tenant/a/app/sc/organization/{}-id"
REMOTE_URL = "https://dev.azure.com/acme/_git/cicd-repository"


IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
NSG = "azure-native:network:NetworkSecurityGroup"


def arguments(**overrides: Any) -> AzureDevopsCicdArgs:
    values: dict[str, Any] = {**COMMON_ARGS, "project_name": "fraud-prod"}
    return args_of(AzureDevopsCicdArgs, **values | overrides)


def cicd(**overrides: Any) -> Graph:
    return run(lambda: AzureDevopsCicd("cicd", arguments(**overrides)))


def outputs(**overrides: Any) -> dict[str, Any]:
    """The component's resolved outputs, as the wiring reads them."""
    return resolved(lambda: AzureDevopsCicd("cicd", arguments(**overrides)), OUTPUTS)[1]


def test_project_is_private_git_agile_with_only_repos_and_pipelines() -> None:
    project = cicd().named("cicd-project", "Project").inputs

    assert (project["name"], project["visibility"]) == ("fraud-prod", "private")
    assert (project["versionControl"], project["workItemTemplate"]) == ("Git", "Agile")
    assert project["features"] == {"repositories": "enabled", "pipelines": "enabled",
                                   "boards": "disabled", "testplans": "disabled",
                                   "artifacts": "disabled"}  # fmt: skip


def test_repository_is_created_clean_in_the_project_on_the_branch() -> None:
    repository = cicd(branch="trunk").named("cicd-repository", "Git").inputs

    assert repository == {
        "projectId": "cicd-project-id",
        "name": "fraud-prod-ml",  # the project's default repository already has its name
        "defaultBranch": "refs/heads/trunk",
        "initialization": {"initType": "Clean"},
    }


@pytest.mark.parametrize(
    ("connection_name", "role"), [("cicd-azure", "deploy"), ("cicd-train-azure", "train")]
)
def test_each_service_connection_federates_its_own_identity_without_a_secret(
    connection_name: str, role: str
) -> None:
    connection = cicd().named(connection_name, "ServiceEndpointAzureRM").inputs

    assert connection["serviceEndpointName"] == f"fraud-prod-{role}"
    assert connection["serviceEndpointAuthenticationScheme"] == "WorkloadIdentityFederation"
    assert connection["credentials"] == {"serviceprincipalid": f"cicd-{role}-client"}
    assert connection["projectId"] == "cicd-project-id"
    assert connection["azurermSpnTenantid"] == TENANT
    assert connection["azurermSubscriptionId"] == SUBSCRIPTION
    assert connection["azurermSubscriptionName"] == SUBSCRIPTION
    # A resource-group scope conflicts with given credentials: the role assignments scope it.
    assert "resourceGroup" not in connection
    assert "azurermManagementGroupId" not in connection


@pytest.mark.parametrize(
    ("connection_name", "role"), [("cicd-azure", "deploy"), ("cicd-train-azure", "train")]
)
def test_each_identity_trusts_exactly_its_service_connection_s_tokens(
    connection_name: str, role: str
) -> None:
    graph = cicd()
    credential = graph.named(f"{connection_name}-federated", "FederatedIdentityCredential")

    assert credential.inputs == {
        "resourceGroupName": RESOURCE_GROUP,
        "resourceName": f"cicd-{role}",  # the identity's name
        "issuer": ISSUER,
        "subject": SUBJECT.format(connection_name),
        "audiences": ["api://AzureADTokenExchange"],
    }
    assert graph.named(connection_name, "ServiceEndpointAzureRM").urn in credential.dependencies


def test_pipeline_runs_the_yaml_file_of_the_repository_on_pushes_to_the_branch() -> None:
    pipeline = cicd().named("cicd-pipeline", "BuildDefinition").inputs

    assert pipeline["repository"] == {
        "repoType": "TfsGit",
        "repoId": "cicd-repository-id",
        "branchName": "refs/heads/main",
        "ymlPath": "azure-pipelines.yml",
    }
    assert pipeline["ciTrigger"] == {"useYaml": True}
    assert pipeline["projectId"] == "cicd-project-id"
    assert pipeline["jobAuthorizationScope"] == "project"


def test_pipeline_file_and_branch_come_from_the_options() -> None:
    graph = cicd(branch="release", pipeline_file="ci/deploy.yaml")
    repository = graph.named("cicd-pipeline", "BuildDefinition").inputs["repository"]

    assert (repository["branchName"], repository["ymlPath"]) == ("refs/heads/release",
                                                                 "ci/deploy.yaml")  # fmt: skip
    assert graph.named("cicd-repository").inputs["defaultBranch"] == "refs/heads/release"


@pytest.mark.parametrize(
    ("role", "connection_name"), [("deploy", "cicd-azure"), ("train", "cicd-train-azure")]
)
def test_only_this_pipeline_may_use_each_service_connection(
    role: str, connection_name: str
) -> None:
    authorization = cicd().named(f"cicd-use-{role}", "PipelineAuthorization").inputs

    assert authorization == {"projectId": "cicd-project-id", "type": "endpoint",
                             "resourceId": f"{connection_name}-id", "pipelineId": 42}  # fmt: skip


@pytest.mark.parametrize(
    ("role", "connection_name"), [("deploy", "cicd-azure"), ("train", "cicd-train-azure")]
)
def test_code_under_test_on_another_branch_cannot_use_train_or_deploy_rights(
    role: str, connection_name: str
) -> None:
    check = cicd(branch="release").named(f"cicd-{role}-branch", "CheckBranchControl").inputs

    assert (check["targetResourceType"], check["targetResourceId"]) == (
        "endpoint", f"{connection_name}-id")  # fmt: skip
    assert check["allowedBranches"] == "refs/heads/release"
    # An unprotected or unknown branch is refused: anyone could push to it.
    assert (check["verifyBranchProtection"], check["ignoreUnknownProtectionStatus"]) == (
        True, False)  # fmt: skip


def test_deploying_waits_for_an_approval_the_requester_cannot_give() -> None:
    graph = cicd()
    approval = graph.named("cicd-deploy-approval", "CheckApproval").inputs
    group = graph.named("cicd-deploy-approval-group", "Group").inputs

    # On the deploy connection itself: no pipeline YAML can skip a check on a resource.
    assert (approval["targetResourceType"], approval["targetResourceId"]) == (
        "endpoint", "cicd-azure-id")  # fmt: skip
    assert approval["approvers"] == ["cicd-deploy-approval-group-origin"]
    assert approval["requesterCanApprove"] is False
    assert (group["scope"], group["displayName"]) == ("cicd-project-id",
                                                      "fraud-prod-deploy-approvers")  # fmt: skip
    assert not [c for c in graph.of_type("azuredevops:index/checkApproval:CheckApproval")
                if c.inputs["targetResourceId"] != "cicd-azure-id"]  # fmt: skip


def test_the_branch_takes_only_changes_reviewed_by_someone_else() -> None:
    policy = cicd(branch="trunk").named("cicd-reviewed", "BranchPolicyMinReviewers").inputs
    settings = policy["settings"]

    assert (policy["blocking"], policy["enabled"]) == (True, True)
    assert settings["reviewerCount"] == 1
    assert (settings["submitterCanVote"], settings["lastPusherCannotApprove"]) == (False, True)
    assert settings["onPushResetApprovedVotes"] is True
    assert settings["scopes"] == [
        {"repositoryId": "cicd-repository-id", "repositoryRef": "refs/heads/trunk",
         "matchType": "Exact"}]  # fmt: skip


def test_the_deprecated_resource_authorization_is_not_used() -> None:
    assert not cicd().of_type("azuredevops:index/resourceAuthorization:ResourceAuthorization")


def test_pipeline_number_accepts_numeric_ids_only() -> None:
    assert pipeline_number("42") == 42
    with pytest.raises(ValueError, match="'cicd-pipeline-id' is not a number"):
        pipeline_number("cicd-pipeline-id")


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


def test_no_secret_is_sent_anywhere() -> None:
    graph = cicd()
    sent = {key.lower() for r in graph.resources for key in keys_of(r.inputs)}

    assert not [key for key in sent if any(word in key for word in SECRET_WORDS)]


def test_project_and_repository_are_protected_and_retained_only_when_asked() -> None:
    protected = cicd(protect=True)
    unprotected = cicd()

    kept = {"cicd-project", "cicd-repository"}

    assert {r.name for r in protected.resources if r.protect} == kept
    assert {r.name for r in protected.resources if r.retain_on_delete} == kept
    assert not [r.name for r in unprotected.resources if r.protect or r.retain_on_delete]


def test_it_creates_the_delivery_resources_and_nothing_else() -> None:
    assert sorted((r.type.split(":")[-1], r.name) for r in custom(cicd())) == [
        ("BranchPolicyMinReviewers", "cicd-reviewed"),
        ("BuildDefinition", "cicd-pipeline"),
        ("CheckApproval", "cicd-deploy-approval"),
        ("CheckBranchControl", "cicd-deploy-branch"),
        ("CheckBranchControl", "cicd-train-branch"),
        ("FederatedIdentityCredential", "cicd-azure-federated"),
        ("FederatedIdentityCredential", "cicd-train-azure-federated"),
        ("Git", "cicd-repository"),
        ("Group", "cicd-deploy-approval-group"),
        ("PipelineAuthorization", "cicd-use-deploy"),
        ("PipelineAuthorization", "cicd-use-train"),
        ("Project", "cicd-project"),
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
        ("ServiceEndpointAzureRM", "cicd-azure"),
        ("ServiceEndpointAzureRM", "cicd-train-azure"),
        ("UserAssignedIdentity", "cicd-deploy"),
        ("UserAssignedIdentity", "cicd-train"),
    ]


def test_every_resource_belongs_to_the_component() -> None:
    assert strays(cicd(), COMPONENT) == []
    assert strays(cicd(serving_identity_id=None, protect=True),
                  COMPONENT) == []  # fmt: skip


def test_outputs_name_the_project_repository_pipeline_connection_and_identity() -> None:
    assert outputs() == {
        "project_id": "cicd-project-id",
        "repository_url": REMOTE_URL,
        "pipeline_id": 42,
        "service_connection_id": "cicd-azure-id",
        "service_connection_name": "fraud-prod-deploy",
        "train_service_connection_name": "fraud-prod-train",
        "approvers_group": "vssgp.cicd-deploy-approval-group",
        "client_id": "cicd-deploy-client",
        "train_client_id": "cicd-train-client",
        "identity_id": arm_id(IDENTITY, "cicd-deploy"),
        "identity_principal_id": "cicd-deploy-principal",
    }


VNET = f"{GROUP}/providers/Microsoft.Network/virtualNetworks/fraud-prod-vnet"
POOLS_PRINCIPAL = "0b9a3c1e-5d7f-4e2a-9c3b-8f1d2e4a6b7c"
ON_THE_VNET = {"agent_vnet_id": VNET, "agent_subnet_prefix": "10.20.2.0/24"}


def test_in_a_private_platform_agents_get_a_subnet_delegated_to_managed_devops_pools() -> None:
    graph = cicd(**ON_THE_VNET)
    subnet = graph.named("cicd-agents", "Subnet").inputs
    nsg = graph.named("cicd-agents-nsg", "NetworkSecurityGroup")

    assert (subnet["subnetName"], subnet["virtualNetworkName"]) == ("cicd-agents",
                                                                    "fraud-prod-vnet")  # fmt: skip
    assert subnet["addressPrefix"] == "10.20.2.0/24"
    assert subnet["delegations"] == [
        {"name": "pools", "serviceName": "Microsoft.DevOpsInfrastructure/pools"}
    ]
    assert subnet["networkSecurityGroup"] == {"id": arm_id(NSG, "cicd-agents-nsg")}
    assert nsg.inputs["tags"] == TAGS
    # Without the DevOpsInfrastructure principal's object id, its roles are granted by hand.
    assert not [r for r in custom(graph) if r.name.startswith("cicd-agents-") and "Role" in r.type]


def test_the_pools_principal_may_read_the_vnet_and_join_its_subnet() -> None:
    graph = cicd(**ON_THE_VNET, devops_infrastructure_principal_id=POOLS_PRINCIPAL)
    definitions = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions"

    assert {(r.inputs["principalId"], r.inputs["roleDefinitionId"], r.inputs["scope"])
            for r in graph.of_type("azure-native:authorization:RoleAssignment")
            if r.name.startswith("cicd-agents-")} == {
        (POOLS_PRINCIPAL, f"{definitions}/acdd72a7-3385-48ef-bd42-f606fba81ae7", VNET),
        (POOLS_PRINCIPAL, f"{definitions}/4d97b98b-1d4f-4787-a291-c67834d212e7", VNET),
    }  # fmt: skip


def test_the_agent_subnet_is_an_output_only_when_there_is_one() -> None:
    _, found = resolved(lambda: AzureDevopsCicd("cicd", arguments(**ON_THE_VNET)),
                        ("agent_subnet_id",))  # fmt: skip
    component, _ = resolved(lambda: AzureDevopsCicd("cicd", arguments()), ())

    assert found["agent_subnet_id"] == arm_id("azure-native:network:Subnet", "cicd-agents")
    assert component.agent_subnet_id is None
    assert not cicd().of_type("azure-native:network:Subnet")


@pytest.mark.parametrize(
    ("agents", "vnet", "complaint"),
    [("microsoft-hosted", True, "cannot reach a private platform"),
     ("vnet", False, "needs the private network")],
)  # fmt: skip
def test_agents_that_cannot_reach_the_platform_are_refused(
    agents: str, vnet: bool, complaint: str
) -> None:
    with pytest.raises(ValueError, match=f"^agents: .*{complaint}"):
        AzureDevopsCicd("cicd", arguments(agents=agents, **(ON_THE_VNET if vnet else {})))
    assert agent_path(None, has_vnet=True) == "vnet"
    assert agent_path(None, has_vnet=False) == "microsoft-hosted"
