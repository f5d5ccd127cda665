"""AzureMlTraining's managed network (inline rules, roles, provisioning) and lake datastores."""

from __future__ import annotations

from typing import Any

import pytest

from components.azure.azureml.component import AzureMlTraining
from opsblocks.preview import Graph
from tests.components.azure.test_azureml_training import (
    APPROVER,
    COMPONENT,
    CONTRIBUTOR,
    INSTANCE,
    ML_REGISTRY,
    PRINCIPAL,
    PRIVATE,
    SERVING_PRINCIPAL,
    SUBSCRIPTION_ID,
    TAGS,
    WORKLOAD_PRINCIPAL,
    WORKSPACE_ID,
    arguments,
    grants,
    outputs,
    role,
    training,
    workspace,
)
from tests.components.azure.test_azureml_training import (
    USER as INSTANCE_USER,
)
from tests.recording import SUBSCRIPTION, custom, strays, untagged

# The lake lives in another resource group here, so the datastores must read theirs from its id.
LAKE_GROUP = "fraud-lake"
LAKE_ID = (f"{SUBSCRIPTION_ID}/resourceGroups/{LAKE_GROUP}/providers/Microsoft.Storage/"
           "storageAccounts/frauddla1b2c3")  # fmt: skip
LAKE: dict[str, Any] = {"data_account_name": "frauddla1b2c3", "data_account_id": LAKE_ID}
STORES: dict[str, Any] = LAKE | {"data_containers": ("raw", "curated")}
# Where Azure keeps the ML registry's assets: a storage account and a container registry it
# creates in a managed resource group of the registry's own.
REGISTRY_GROUP = f"{SUBSCRIPTION_ID}/resourceGroups/azureml-rg-fraud-registry_0000"
REGISTRY_STORAGE = f"{REGISTRY_GROUP}/providers/Microsoft.Storage/storageAccounts/fraudregst"
REGISTRY_ACR = f"{REGISTRY_GROUP}/providers/Microsoft.ContainerRegistry/registries/fraudregacr"
REGISTRY: dict[str, Any] = {"ml_registry_id": ML_REGISTRY, "ml_registry_storage_id":
                            REGISTRY_STORAGE, "ml_registry_acr_id": REGISTRY_ACR}  # fmt: skip
REGISTRY_TARGETS = (ML_REGISTRY, REGISTRY_STORAGE, REGISTRY_ACR)
RULE = "azure-native:machinelearningservices:ManagedNetworkSettingsRule"
DATASTORE = "azure-native:machinelearningservices:Datastore"


def pe_rule(target: str, subresource: str, *, spark: bool) -> dict[str, Any]:
    """A user-defined private-endpoint outbound rule, as the workspace sends it."""
    return {"type": "PrivateEndpoint", "category": "UserDefined",
            "destination": {"serviceResourceId": target, "subresourceTarget": subresource,
                            "sparkEnabled": spark}}  # fmt: skip


LAKE_RULES = {
    f"data-lake-{group}": pe_rule(LAKE_ID, group, spark=True) for group in ("blob", "dfs")
}
REGISTRY_RULES = {
    "ml-registry": pe_rule(ML_REGISTRY, "amlregistry", spark=False),
    "ml-registry-storage": pe_rule(REGISTRY_STORAGE, "blob", spark=False),
    "ml-registry-acr": pe_rule(REGISTRY_ACR, "registry", spark=False),
}


def network(graph: Graph) -> dict[str, Any]:
    return dict(workspace(graph)["managedNetwork"])


def network_grants(graph: Graph) -> dict[str, tuple[str, str]]:
    """The identity's roles on the lake and the ML registry: name -> (role id, scope)."""
    return {r.name: (role(r), r.inputs["scope"]) for r in grants(graph)
            if r.inputs["scope"] in (LAKE_ID, *REGISTRY_TARGETS)}  # fmt: skip


@pytest.mark.parametrize(
    ("options", "rules"),
    [(LAKE | REGISTRY, LAKE_RULES | REGISTRY_RULES), (LAKE, LAKE_RULES),
     (REGISTRY, REGISTRY_RULES)],
    ids=["lake-and-registry", "lake", "registry"],
)  # fmt: skip
def test_a_private_workspace_carries_every_outbound_rule_inline(
    options: dict[str, Any], rules: dict[str, Any]
) -> None:
    """Spark only on the lake's rules: Azure offers it for Storage targets only."""
    sent = network(training(**PRIVATE, **options))

    assert sent["isolationMode"] == "AllowOnlyApprovedOutbound"
    assert sent["outboundRules"] == rules


def test_a_private_workspace_reaches_the_registrys_own_storage_and_container_registry() -> None:
    """A model or environment in the ML registry is stored in the storage account and the
    container registry Azure created for it: the managed network needs private endpoints to
    those too ("Network isolation with Azure Machine Learning registries"), and the
    workspace identity approves them."""
    graph = training(**PRIVATE, **REGISTRY)
    rules = network(graph)["outboundRules"]

    assert rules["ml-registry-storage"] == pe_rule(REGISTRY_STORAGE, "blob", spark=False)
    assert rules["ml-registry-acr"] == pe_rule(REGISTRY_ACR, "registry", spark=False)
    assert {(APPROVER, REGISTRY_STORAGE), (APPROVER, REGISTRY_ACR)} <= set(
        network_grants(graph).values()
    )


@pytest.mark.parametrize("missing", ["ml_registry_storage_id", "ml_registry_acr_id"])
def test_a_private_registry_rule_without_the_registrys_storage_and_acr_is_refused(
    missing: str,
) -> None:
    with pytest.raises(ValueError, match=missing):
        AzureMlTraining("training", arguments(**PRIVATE, **REGISTRY | {missing: None}))


def test_a_private_workspace_without_lake_or_registry_has_no_user_defined_rule() -> None:
    sent = network(training(**PRIVATE))

    assert sent["isolationMode"] == "AllowOnlyApprovedOutbound"
    assert "outboundRules" not in sent


def test_a_dev_workspace_reaches_lake_and_registry_over_the_internet_without_rules() -> None:
    graph = training(**LAKE, **REGISTRY)

    assert network(graph)["isolationMode"] == "AllowInternetOutbound"
    assert "outboundRules" not in network(graph)
    assert network_grants(graph) == {}


@pytest.mark.parametrize(
    "options",
    [{}, LAKE | REGISTRY, PRIVATE, PRIVATE | LAKE, PRIVATE | REGISTRY,
     PRIVATE | STORES | REGISTRY | INSTANCE],
    ids=["dev", "dev-all", "private", "private-lake", "private-registry", "private-all"],
)  # fmt: skip
def test_no_separate_rule_resource_ever_writes_the_managed_network(
    options: dict[str, Any],
) -> None:
    assert not training(**options).of_type(RULE)


def test_no_fqdn_rule_and_so_no_azure_firewall() -> None:
    sent = network(training(**PRIVATE, **LAKE, **REGISTRY))

    assert "firewallSku" not in sent
    assert {rule["type"] for rule in sent["outboundRules"].values()} == {"PrivateEndpoint"}


def test_the_workspace_identity_may_approve_the_lake_and_is_contributor_on_the_registry() -> None:
    graph = training(**PRIVATE, **LAKE, **REGISTRY)

    assert network_grants(graph) == {
        "training-data-lake-approver": (APPROVER, LAKE_ID),
        "training-ml-registry-contributor": (CONTRIBUTOR, ML_REGISTRY),
        "training-ml-registry-storage-approver": (APPROVER, REGISTRY_STORAGE),
        "training-ml-registry-acr-approver": (APPROVER, REGISTRY_ACR),
    }
    for name in network_grants(graph):
        assert graph.named(name).inputs["principalId"] == PRINCIPAL, name


@pytest.mark.parametrize(
    ("options", "expected"),
    [(LAKE, {"training-data-lake-approver"}),
     (REGISTRY, {"training-ml-registry-contributor", "training-ml-registry-storage-approver",
                 "training-ml-registry-acr-approver"}),
     ({}, set())],
    ids=["lake", "registry", "neither"],
)  # fmt: skip
def test_each_rule_target_brings_its_own_grant(options: dict[str, Any], expected: set[str]) -> None:
    assert set(network_grants(training(**PRIVATE, **options))) == expected


def test_the_workspace_waits_for_the_roles_on_the_rule_targets() -> None:
    graph = training(**PRIVATE, **LAKE, **REGISTRY)
    needed = {graph.named(name).urn for name in network_grants(graph)}

    assert len(needed) == 4
    assert needed <= set(graph.named("training-workspace").dependencies)


@pytest.mark.parametrize("options", [{}, PRIVATE], ids=["dev", "prod"])
def test_azure_provisions_the_network_as_it_creates_the_workspace(options: dict[str, Any]) -> None:
    """Dev has a managed network too (internet outbound), and Azure refuses an online
    deployment until the managed network is provisioned: provisioned with the workspace, so
    an endpoint created in the same `up` (it names the workspace) never comes first."""
    sent = workspace(training(**options))

    modes = ("AllowInternetOutbound", "AllowOnlyApprovedOutbound")
    assert sent["managedNetwork"]["isolationMode"] in modes
    assert sent["provisionNetworkNow"] is True


def test_the_workload_identity_gets_no_role_on_the_rule_targets() -> None:
    """Approving endpoints is the workspace's job; the lake's data roles are the data
    capability's (the workload reads and writes, the workspace identity only reads)."""
    graph = training(**PRIVATE, **STORES, **REGISTRY)
    on_targets = [r for r in grants(graph) if r.inputs["scope"] in (LAKE_ID, *REGISTRY_TARGETS)]

    assert len(on_targets) == 4
    assert {r.inputs["principalId"] for r in on_targets} == {PRINCIPAL}


def test_compute_waits_for_the_workspace_and_the_roles_it_runs_with_only() -> None:
    graph = training(**PRIVATE, **STORES, **REGISTRY, **INSTANCE)
    # The serving identity's role on the workspace is not one compute runs with.
    before = {r.urn for r in grants(graph) if r.inputs["principalId"] != SERVING_PRINCIPAL
              and (r.inputs["scope"] == WORKSPACE_ID
                   or r.inputs["principalId"] == WORKLOAD_PRINCIPAL)}  # fmt: skip
    expected = {graph.named("training-workspace").urn} | before
    users = {r.urn for r in grants(graph) if r.inputs["principalId"] == INSTANCE_USER}

    assert set(graph.named("training-cluster").dependencies) == expected
    # The instance's user reaches the storage as themselves (shared keys are off).
    assert set(graph.named("training-notebook").dependencies) == expected | users


def test_each_container_becomes_an_identity_based_datastore_after_the_workspace() -> None:
    graph = training(**STORES)
    workspace_urn = graph.named("training-workspace").urn

    for container in ("raw", "curated"):
        store = graph.named(f"training-{container}-datastore", "Datastore")
        assert (store.inputs["name"], store.inputs["workspaceName"]) == (container, "fraud-prod")
        assert store.inputs["properties"] == {
            "datastoreType": "AzureDataLakeGen2", "accountName": "frauddla1b2c3",
            "filesystem": container, "credentials": {"credentialsType": "None"},
            "serviceDataAccessAuthIdentity": "WorkspaceUserAssignedIdentity",
            "subscriptionId": SUBSCRIPTION, "resourceGroup": LAKE_GROUP,
            "description": f"opsblocks training: the {container} container of the lake",
            "tags": TAGS,
        }  # fmt: skip
        assert workspace_urn in store.dependencies, container
    assert outputs(**STORES)[0].datastore_names == ["raw", "curated"]


@pytest.mark.parametrize("options", [STORES, PRIVATE | STORES], ids=["dev", "private"])
def test_datastores_are_registered_in_dev_and_prod_alike(options: dict[str, Any]) -> None:
    stores = training(**options).of_type(DATASTORE)

    assert sorted(store.inputs["name"] for store in stores) == ["curated", "raw"]


@pytest.mark.parametrize("options", [{}, LAKE, PRIVATE | LAKE], ids=["none", "lake", "private"])
def test_without_containers_there_are_no_datastores(options: dict[str, Any]) -> None:
    assert not training(**options).of_type(DATASTORE)
    assert outputs(**options)[0].datastore_names == []


@pytest.mark.parametrize("missing", ["data_account_name", "data_account_id"])
def test_containers_without_their_account_are_refused(missing: str) -> None:
    with pytest.raises(ValueError, match="data_containers needs"):
        AzureMlTraining("training", arguments(**STORES | {missing: None}))


@pytest.mark.parametrize("container", ["raw-data", "ab", "Raw", "a" * 64])
def test_a_container_azure_ml_cannot_name_a_datastore_after_is_refused(container: str) -> None:
    with pytest.raises(ValueError, match="data container"):
        AzureMlTraining("training", arguments(**LAKE, data_containers=(container,)))


def test_everything_belongs_to_the_component_and_carries_the_tags() -> None:
    graph = training(**PRIVATE, **STORES, **REGISTRY, **INSTANCE)

    assert strays(graph, COMPONENT) == []
    assert untagged(graph, TAGS) == []


def test_prod_with_everything_creates_exactly_these_resources() -> None:
    graph = training(**PRIVATE, **STORES, **REGISTRY)
    kinds = sorted(r.type.rsplit(":", 1)[-1] for r in custom(graph))

    assert kinds == sorted(
        ["Compute", "DiagnosticSetting", "StorageAccount", "Workspace", "Datastore", "Datastore"]
        + ["RoleAssignment"] * 19
        + ["RoleDefinition"]
        + ["PrivateEndpoint", "PrivateDnsZoneGroup"] * 3
    )
