"""AzureMlRegistry: the container registry, the Azure ML registry, their access and network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from components.azure.azureml_registry.component import (
    AzureMlRegistry,
    AzureMlRegistryArgs,
    system_created,
)
from components.azure.shared.common import ROLES
from opsblocks import placeholders
from opsblocks.preview import Graph
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    args_of,
    custom,
    resolved,
    run,
    strays,
)

TAGS = {"team": "risk", "opsblocks:capability": "registry"}
COMPONENT = "opsblocks:index:AzureMlRegistry"
GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
ACR_ID = f"{GROUP_ID}/providers/Microsoft.containerregistry/Registry/registry-acr"
ML_ID = f"{GROUP_ID}/providers/Microsoft.machinelearningservices/Registry/registry-ml-registry"
IDENTITY = f"{GROUP_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-id"
SUBNET = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/fraud/subnets/private"
ZONES = {"registry": "zone-registry", "amlworkspace": "zone-api", "notebooks": "zone-nb"}
PRIVATE: dict[str, Any] = {"private": True, "subnet_id": SUBNET, "dns_zone_ids": ZONES}
OUTPUTS = ("ml_registry_name", "ml_registry_id", "registry_uri", "acr_id", "acr_name",
           "acr_login_server", "ml_registry_storage_id", "ml_registry_acr_id")  # fmt: skip
# What Azure answers for the ML registry: the storage account and container registry it created.
MANAGED = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/azureml-rg-fraud-a1b2c3_0000"
REGISTRY_STORAGE = f"{MANAGED}/providers/Microsoft.Storage/storageAccounts/fraudregst"
REGISTRY_ACR = f"{MANAGED}/providers/Microsoft.ContainerRegistry/registries/fraudregacr"


@pytest.fixture(autouse=True)
def registries_answer_their_login_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A container registry answers its login server, as Azure does (the shared fake outputs
    do not make one up)."""
    made_up = placeholders.azure_outputs

    def azure_outputs(type_token: str, name: str, inputs: Any = None) -> dict[str, Any]:
        outputs = made_up(type_token, name, inputs)
        if type_token == "azure-native:containerregistry:Registry":
            outputs["loginServer"] = "frauda1b2c3.azurecr.io"
        return outputs

    monkeypatch.setattr(placeholders, "azure_outputs", azure_outputs)
    yield


def arguments(**overrides: Any) -> AzureMlRegistryArgs:
    args: dict[str, Any] = {
        "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "location": "westeurope",
        "unique_suffix": "a1b2c3", "registry_prefix": "fraud-", "acr_prefix": "fraud",
        "identity_principal_id": "fraud-id-principal",
    }  # fmt: skip
    return args_of(AzureMlRegistryArgs, **args | overrides)


def registry(**overrides: Any) -> Graph:
    return run(lambda: AzureMlRegistry("registry", arguments(**overrides)))


def outputs(**overrides: Any) -> dict[str, Any]:
    """The resolved outputs, as the wiring reads them."""
    return resolved(lambda: AzureMlRegistry("registry", arguments(**overrides)), OUTPUTS)[1]


def acr(graph: Graph) -> dict[str, Any]:
    return graph.named("registry-acr", "Registry").inputs


def ml_registry(graph: Graph) -> dict[str, Any]:
    return graph.named("registry-ml-registry", "Registry").inputs


def test_container_registry_is_named_from_its_prefix_and_has_no_admin_or_anonymous_pull() -> None:
    sent = acr(registry())

    assert (sent["registryName"], sent["location"]) == ("frauda1b2c3", "westeurope")
    assert sent["adminUserEnabled"] is False
    assert sent["anonymousPullEnabled"] is False


def test_container_registry_tier_is_basic_in_dev_premium_when_private() -> None:
    assert acr(registry())["sku"] == {"name": "Basic"}
    assert acr(registry(private=True))["sku"] == {"name": "Premium"}
    assert acr(registry(acr_sku="Standard"))["sku"] == {"name": "Standard"}


def test_premium_registry_deletes_untagged_manifests_after_the_retention_days() -> None:
    sent = acr(registry(acr_sku="Premium", untagged_retention_days=7))

    assert sent["policies"] == {"retentionPolicy": {"days": 7, "status": "enabled"}}


def test_basic_registry_sends_no_retention_policy_which_only_premium_accepts() -> None:
    assert "policies" not in acr(registry())


def test_private_registries_accept_no_public_traffic() -> None:
    graph = registry(private=True)

    assert acr(graph)["publicNetworkAccess"] == "Disabled"
    assert acr(graph)["networkRuleBypassOptions"] == "AzureServices"
    assert ml_registry(graph)["publicNetworkAccess"] == "Disabled"


def test_public_registries_in_dev() -> None:
    graph = registry()

    assert acr(graph)["publicNetworkAccess"] == "Enabled"
    assert ml_registry(graph)["publicNetworkAccess"] == "Enabled"


@pytest.mark.parametrize("overrides", [{}, {"private": True, "protect": True}])
def test_container_registry_keeps_microsoft_managed_keys_and_has_no_identity(
    overrides: dict[str, Any],
) -> None:
    """A customer-managed key in the firewalled vault is out of reach of a new registry."""
    sent = acr(registry(**overrides))

    assert "encryption" not in sent
    assert "identity" not in sent


def test_ml_registry_keeps_its_assets_in_private_system_created_storage_and_premium_acr() -> None:
    sent = ml_registry(registry())

    assert (sent["registryName"], sent["location"]) == ("fraud-a1b2c3", "westeurope")
    assert sent["identity"] == {"type": "SystemAssigned"}
    assert sent["regionDetails"] == [{
        "location": "westeurope",
        "storageAccountDetails": [{"systemCreatedStorageAccount": {
            "storageAccountType": "Standard_LRS", "allowBlobPublicAccess": False,
            "storageAccountHnsEnabled": False}}],
        "acrDetails": [{"systemCreatedAcrAccount": {"acrAccountSku": "Premium"}}],
    }]  # fmt: skip


def test_protected_ml_registry_storage_is_zone_redundant() -> None:
    [region] = ml_registry(registry(protect=True))["regionDetails"]
    [storage] = region["storageAccountDetails"]

    assert storage["systemCreatedStorageAccount"]["storageAccountType"] == "Standard_ZRS"


def test_only_the_two_registries_are_protected_and_retained_and_only_when_asked() -> None:
    protected = registry(protect=True, **PRIVATE)
    unprotected = registry()

    assert sorted((r.name, r.retain_on_delete) for r in protected.resources if r.protect) == [
        ("registry-acr", True), ("registry-ml-registry", True)]  # fmt: skip
    assert not [r.name for r in unprotected.resources if r.protect or r.retain_on_delete]


def test_the_identity_pushes_images_and_uses_the_ml_registry_each_on_that_resource_only() -> None:
    assignments = registry().of_type("azure-native:authorization:RoleAssignment")
    role_ids = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions"

    assert sorted(
        (r.inputs["scope"], r.inputs["roleDefinitionId"], r.inputs["principalId"])
        for r in assignments
    ) == sorted([
        (ACR_ID, f"{role_ids}/{ROLES['AcrPush']}", "fraud-id-principal"),
        (ML_ID, f"{role_ids}/{ROLES['AzureML Registry User']}", "fraud-id-principal"),
    ])  # fmt: skip


def test_with_a_subnet_the_container_registry_is_behind_a_private_endpoint() -> None:
    graph = registry(**PRIVATE)
    endpoint = graph.named("registry-acr-endpoint", "PrivateEndpoint").inputs
    [connection] = endpoint["privateLinkServiceConnections"]
    zones = graph.named("registry-acr-endpoint-dns").inputs["privateDnsZoneConfigs"]

    assert (connection["privateLinkServiceId"], connection["groupIds"]) == (ACR_ID, ["registry"])
    assert endpoint["subnet"]["id"] == SUBNET
    assert zones == [{"name": "registry", "privateDnsZoneId": "zone-registry"}]


def test_with_a_subnet_the_ml_registry_is_behind_an_endpoint_in_the_workspace_api_zone() -> None:
    """Private and without an endpoint, nothing could reach the ML registry."""
    graph = registry(**PRIVATE)
    endpoint = graph.named("registry-ml-registry-endpoint", "PrivateEndpoint").inputs
    [connection] = endpoint["privateLinkServiceConnections"]
    zone_group = graph.named("registry-ml-registry-endpoint-dns").inputs

    assert (connection["privateLinkServiceId"], connection["groupIds"]) == (ML_ID, ["amlregistry"])
    assert endpoint["subnet"]["id"] == SUBNET
    assert endpoint["location"] == "westeurope"
    assert zone_group["privateDnsZoneConfigs"] == [
        {"name": "amlworkspace", "privateDnsZoneId": "zone-api"}]  # fmt: skip
    assert zone_group["privateEndpointName"] == "registry-ml-registry-endpoint"


def test_with_a_subnet_there_are_exactly_the_two_registry_endpoints() -> None:
    endpoints = registry(**PRIVATE).of_type("azure-native:network:PrivateEndpoint")

    assert sorted(e.name for e in endpoints) == [
        "registry-acr-endpoint", "registry-ml-registry-endpoint"]  # fmt: skip


def test_without_a_subnet_there_is_no_private_endpoint() -> None:
    assert not registry(acr_sku="Premium").of_type("azure-native:network:PrivateEndpoint")


def test_it_creates_the_two_registries_and_their_grants_and_nothing_else() -> None:
    kinds = sorted(r.type for r in custom(registry()))

    assert kinds == ["azure-native:authorization:RoleAssignment",
                     "azure-native:authorization:RoleAssignment",
                     "azure-native:containerregistry:Registry",
                     "azure-native:machinelearningservices:Registry"]  # fmt: skip


def test_every_resource_belongs_to_the_component() -> None:
    assert strays(registry(), COMPONENT) == []
    assert strays(registry(**PRIVATE, protect=True), COMPONENT) == []


def test_outputs_name_both_registries_and_where_images_go() -> None:
    assert outputs() == {
        "ml_registry_name": "fraud-a1b2c3",
        "ml_registry_id": ML_ID,
        "registry_uri": "azureml://registries/fraud-a1b2c3",
        "acr_id": ACR_ID,
        "acr_name": "frauda1b2c3",
        "acr_login_server": "frauda1b2c3.azurecr.io",
        # Read from what Azure answers (see below); a recording's outputs are the inputs.
        "ml_registry_storage_id": f"{ML_ID}/system-created-storage (known after up)",
        "ml_registry_acr_id": f"{ML_ID}/system-created-acr (known after up)",
    }


# `region_details` as Azure answers it once it has created the registry's storage and ACR.
ANSWERED = [{
    "location": "westeurope",
    "storage_account_details": [{"system_created_storage_account": {
        "storage_account_type": "Standard_LRS",
        "arm_resource_id": {"resource_id": REGISTRY_STORAGE}}}],
    "acr_details": [{"system_created_acr_account": {
        "acr_account_sku": "Premium", "arm_resource_id": {"resource_id": REGISTRY_ACR}}}],
}]  # fmt: skip


def test_the_registrys_own_storage_and_acr_are_read_from_what_azure_answers() -> None:
    """The training workspace's managed network needs private endpoints to both."""
    assert system_created(ML_ID, ANSWERED, "storage") == REGISTRY_STORAGE
    assert system_created(ML_ID, ANSWERED, "acr") == REGISTRY_ACR


def test_a_deployment_without_the_registrys_storage_id_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pulumi.runtime, "is_dry_run", lambda: False)
    unanswered = [{"location": "westeurope", "storage_account_details": [], "acr_details": []}]

    with pytest.raises(ValueError, match="system-created storage"):
        system_created(ML_ID, unanswered, "storage")
