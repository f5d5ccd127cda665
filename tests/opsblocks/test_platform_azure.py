"""Whole Azure platforms, as `pulumi up` would register them: the security defaults hold for
every resource of every shipped Azure blueprint."""

from pathlib import Path

import pytest

from opsblocks import blueprint, program
from opsblocks.blueprint import Blueprint
from opsblocks.errors import BlueprintError
from opsblocks.preview import SECRET, UNKNOWN, Graph, record
from tests.platforms import recorded
from tests.recording import (
    SUBSCRIPTION,
    TENANT,
    TEST_INVOKES,
    arm_id,
    custom,
    fake_outputs,
    leaves,
    run,
)

ROOT = Path(__file__).parents[2]
SHIPPED = sorted((ROOT / "blueprints").glob("azure-*.yaml"))


def build(bp: Blueprint) -> Graph:
    return run(lambda: program.build(bp))


@pytest.fixture(params=SHIPPED, ids=lambda p: p.name)
def shipped(request: pytest.FixtureRequest) -> tuple[Blueprint, Graph]:
    return recorded(request.param)


def test_the_azure_blueprints_ship() -> None:
    assert [p.name for p in SHIPPED] == ["azure-minimal.yaml", "azure-ml.yaml", "azure-mlflow.yaml"]


def test_no_role_is_granted_on_the_subscription(shipped: tuple[Blueprint, Graph]) -> None:
    _, graph = shipped
    grants = graph.of_type("azure-native:authorization:RoleAssignment")
    assert grants
    for grant in grants:
        scope = grant.inputs["scope"]
        assert scope.startswith(f"/subscriptions/{SUBSCRIPTION}/resourceGroups/"), grant.urn
        # Identities of the platform, but for the cluster's admin: whoever runs `pulumi up`.
        deployer = grant.name.endswith("-kubernetes-deployer-admin")
        assert grant.inputs["principalType"] == ("User" if deployer else "ServicePrincipal"), (
            grant.urn
        )


def test_storage_is_private_encrypted_and_reached_with_identities(
    shipped: tuple[Blueprint, Graph],
) -> None:
    bp, graph = shipped
    accounts = graph.of_type("azure-native:storage:StorageAccount")
    assert len(accounts) == 2  # the data lake and the workspace's own storage
    for account in accounts:
        sent = account.inputs
        assert sent["minimumTlsVersion"] == "TLS1_2", account.urn
        assert sent["allowBlobPublicAccess"] is False, account.urn
        assert sent["encryption"]["requireInfrastructureEncryption"] is True, account.urn
        if bp.environment.value == "prod":
            assert sent["publicNetworkAccess"] == "Disabled", account.urn
            assert sent["encryption"]["keySource"] == "Microsoft.Keyvault", account.urn


def test_prod_turns_public_network_access_off_everywhere() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "azure-ml.yaml")
    assert bp.environment.value == "prod"
    graph = build(bp)
    types = {
        "azure-native:keyvault:Vault": lambda r: r.inputs["properties"]["publicNetworkAccess"],
        "azure-native:containerregistry:Registry": lambda r: r.inputs["publicNetworkAccess"],
        "azure-native:machinelearningservices:Workspace": lambda r: r.inputs["publicNetworkAccess"],
    }
    for type_token, access in types.items():
        for resource in graph.of_type(type_token):
            assert access(resource) == "Disabled", resource.urn
    assert graph.of_type("azure-native:network:PrivateEndpoint")


def test_no_secret_or_key_is_sent_anywhere(shipped: tuple[Blueprint, Graph]) -> None:
    # No account key, client secret or admin user anywhere; a password (a database's, generated)
    # only as a secret.
    _, graph = shipped
    text = str([r.inputs for r in custom(graph)]).lower()
    for word in ("accountkey", "clientsecret", "adminuserenabled': true"):
        assert word not in text
    passwords = [(r.urn, key, value) for r in custom(graph)
                 for key, value in leaves(r.inputs)
                 if key.lower().endswith("password")]  # fmt: skip
    assert all(value == SECRET for _, _, value in passwords), passwords


def test_offline_preview_leaves_names_that_need_the_resource_group_id_unknown() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "azure-minimal.yaml")
    graph = record(lambda: program.build(bp))
    vault = graph.named(f"{bp.name}-vault", "Vault").inputs
    assert vault["vaultName"] == UNKNOWN
    assert not [w for w in graph.warnings if "deprecated" in w]


def test_changing_serving_options_changes_nothing_outside_serving(tmp_path: Path) -> None:
    source = ROOT / "blueprints" / "azure-ml.yaml"
    before = build(blueprint.load(source))
    path = tmp_path / "bigger.yaml"
    path.write_text(source.read_text().replace("min_instances: 2", "min_instances: 3"))
    after = build(blueprint.load(path))
    serving = "opsblocks:index:AzureMlOnlineEndpointServing"

    def untouched(graph: Graph) -> dict[str, object]:
        return {r.urn: r.inputs for r in graph.resources if serving not in r.urn}

    assert untouched(before) == untouched(after)


def test_the_datastores_point_at_the_data_lake_in_the_training_workspace() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "azure-minimal.yaml")
    graph = build(bp)
    workspace = graph.of_type("azure-native:machinelearningservices:Workspace")[0]
    stores = graph.of_type("azure-native:machinelearningservices:Datastore")
    assert sorted(s.inputs["name"] for s in stores) == ["curated", "raw"]
    for store in stores:
        assert store.inputs["workspaceName"] == workspace.inputs["workspaceName"]


def test_stack_outputs_give_ci_cd_what_it_signs_in_with() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "azure-ml.yaml")
    outputs = record(lambda: program.build(bp), invokes=TEST_INVOKES, outputs=fake_outputs).outputs
    assert outputs["cicd_service_connection"] == "fraud-detection-prod-deploy"
    assert outputs["cicd_train_service_connection"] == "fraud-detection-prod-train"
    assert outputs["cicd_client_id"] != outputs["cicd_train_client_id"]
    assert (outputs["tenant_id"], outputs["subscription_id"]) == (TENANT, SUBSCRIPTION)
    assert outputs["resource_group"] == "fraud-detection-prod"
    assert {
        "workspace",
        "endpoint",
        "scoring_uri",
        "data_uri",
        "model_registry",
        "image_repository_url",
        "monitor_schedule",
        "quality_gate_schedule",
    } <= outputs.keys()


MANAGED_IDENTITY_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830"
CONTROL_PLANE_ROLES = {
    "b24988ac-6180-42a0-ab88-20f7382dd24c",  # Contributor
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",  # Key Vault Secrets Officer
    "e147488a-f6f5-4113-8e2d-b22465e65bf6",  # Key Vault Crypto Service Encryption User
    "b556d68e-0be0-4f35-a333-ad7ee1ce17ea",  # Azure AI Enterprise Network Connection Approver
}


@pytest.mark.parametrize("path", [p for p in SHIPPED if "tool: azureml" in p.read_text()],
                         ids=lambda p: p.name)  # fmt: skip
def test_user_code_runs_as_an_identity_without_control_plane_roles(path: Path) -> None:
    bp, graph = recorded(path)
    workload = f"{bp.name}-workload-principal"
    roles = {g.inputs["roleDefinitionId"].rsplit("/", 1)[1]
             for g in graph.of_type("azure-native:authorization:RoleAssignment")
             if g.inputs["principalId"] == workload}  # fmt: skip
    assert roles and not roles & CONTROL_PLANE_ROLES
    runners = graph.of_type("azure-native:machinelearningservices:Compute")
    assert runners
    for runner in runners:
        [identity] = runner.inputs["identity"]["userAssignedIdentities"]
        assert identity.endswith(f"/{bp.name}-workload"), runner.urn


def test_in_prod_ci_cd_agents_get_a_path_into_the_private_vnet() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "azure-ml.yaml")
    graph = record(lambda: program.build(bp), invokes=TEST_INVOKES, outputs=fake_outputs)
    vnet = graph.named(f"{bp.name}-vnet", "VirtualNetwork").inputs
    endpoints = graph.named(f"{bp.name}-private-endpoints", "Subnet").inputs
    agents = graph.named(f"{bp.name}-cicd-agents", "Subnet").inputs

    assert agents["virtualNetworkName"] == endpoints["virtualNetworkName"]
    assert agents["addressPrefix"] == "10.20.2.0/24"
    assert agents["addressPrefix"] != endpoints["addressPrefix"]
    assert vnet["addressSpace"]["addressPrefixes"] == ["10.20.0.0/16"]
    assert agents["delegations"][0]["serviceName"] == "Microsoft.DevOpsInfrastructure/pools"
    assert graph.outputs["cicd_agent_subnet_id"] == arm_id(
        "azure-native:network:Subnet", f"{bp.name}-cicd-agents"
    )


def with_cicd(tmp_path: Path, source: str, options: str) -> Blueprint:
    """A shipped blueprint whose CI/CD is azure-devops with `options` (a YAML flow mapping)."""
    text = (ROOT / "blueprints" / source).read_text()
    cicd = f"  cicd: {{tool: azure-devops, options: {options}}}\n"
    if "  cicd:" in text:
        start = text.index("  cicd:")
        end = text.index("usage:", start)
        text = text[:start] + cicd + text[end:]
    else:
        text = text.replace("  training: {tool: azureml}\n", "  training: {tool: azureml}\n" + cicd)
    path = tmp_path / source
    path.write_text(text)
    return blueprint.load(path)


def test_dev_ci_cd_keeps_microsoft_hosted_agents_and_no_agent_subnet(tmp_path: Path) -> None:
    graph = build(with_cicd(tmp_path, "azure-minimal.yaml", "{branch: main}"))

    assert graph.of_type("azuredevops:index/project:Project")
    assert not graph.of_type("azure-native:network:Subnet")


@pytest.mark.parametrize(
    ("source", "agents", "complaint"),
    [("azure-ml.yaml", "microsoft-hosted", "cannot reach a private platform"),
     ("azure-minimal.yaml", "vnet", "needs the private network")],
)  # fmt: skip
def test_agents_without_a_path_to_the_platform_are_refused_when_the_blueprint_loads(
    tmp_path: Path, source: str, agents: str, complaint: str
) -> None:
    with pytest.raises(BlueprintError, match=complaint) as refused:
        with_cicd(tmp_path, source, f"{{agents: {agents}}}")
    assert refused.value.field == "capabilities.cicd.options.agents"
    assert refused.value.location is not None and refused.value.location.line


BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
WORKLOAD_WRITE_ROLES = {
    "8311e382-0749-4cb8-b61a-304f252e45ec",  # AcrPush
    "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",  # AzureML Registry User
    BLOB_CONTRIBUTOR,  # Storage Blob Data Contributor
    "f6c7c914-8db3-469d-8ca1-694a8f32e121",  # AzureML Data Scientist
}


def test_endpoints_run_as_a_serving_identity_that_cannot_write_images_models_or_data() -> None:
    """A compromised model server must not overwrite images, models or training data: the
    endpoint runs as its own identity, which CI/CD may assign, with read-only roles."""
    bp = blueprint.load(ROOT / "blueprints" / "azure-ml.yaml")
    graph = build(bp)
    [endpoint] = graph.of_type("azure-native:machinelearningservices:OnlineEndpoint")
    [identity] = endpoint.inputs["identity"]["userAssignedIdentities"]
    grants = graph.of_type("azure-native:authorization:RoleAssignment")
    serving = [g for g in grants if g.inputs["principalId"] == f"{bp.name}-serving-principal"]
    roles = {g.inputs["roleDefinitionId"].rsplit("/", 1)[1] for g in serving}
    assignable = {g.inputs["scope"] for g in grants
                  if g.inputs["roleDefinitionId"].endswith(MANAGED_IDENTITY_OPERATOR)}  # fmt: skip
    # The data collector writes production data as the endpoint: its storage role may write,
    # but only under modelDataCollector/ (an ABAC condition), never models or metrics.
    [writer] = [g for g in serving if g.inputs["roleDefinitionId"].endswith(BLOB_CONTRIBUTOR)]

    assert identity.endswith(f"/{bp.name}-serving")
    assert len(roles) == 3 and not roles & CONTROL_PLANE_ROLES
    assert roles & WORKLOAD_WRITE_ROLES == {BLOB_CONTRIBUTOR}
    assert writer.inputs["conditionVersion"] == "2.0"
    assert writer.inputs["condition"].endswith(
        "(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] "
        "StringStartsWith 'modelDataCollector/'))"
    )
    for action in ("write", "add/action", "delete", "move/action"):
        assert f"containers/blobs/{action}'}})" in writer.inputs["condition"]
    assert assignable == {identity}  # the CI/CD deploy identity assigns the serving identity
