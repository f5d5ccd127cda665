"""AzureAdlsData: the ADLS Gen2 account, its protection, containers and access."""

from __future__ import annotations

from typing import Any

import pytest

from components.azure.adls.component import AzureAdlsData, AzureAdlsDataArgs
from components.azure.shared.common import ROLES
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

TAGS = {"team": "risk", "opsblocks:capability": "data"}
COMPONENT = "opsblocks:index:AzureAdlsData"
GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
ACCOUNT_ID = f"{GROUP_ID}/providers/Microsoft.storage/StorageAccount/data-account"
ACCOUNT = "frauddla1b2c3"
IDENTITY = f"{GROUP_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-id"
VAULT = "https://fraud-kv.vault.azure.net/"
SUBNET = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/fraud/subnets/private"
ZONES = {"blob": "zone-blob", "dfs": "zone-dfs", "vault": "zone-vault"}
OUTPUTS = ("account_name", "account_id", "raw_container", "curated_container", "data_uri")
GRANT = "azure-native:authorization:RoleAssignment"
READER: dict[str, Any] = {"reader_principal_id": "fraud-workspace-principal"}


def arguments(**overrides: Any) -> AzureAdlsDataArgs:
    args: dict[str, Any] = {
        "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "location": "westeurope",
        "unique_suffix": "a1b2c3", "account_prefix": "frauddl",
        "identity_principal_id": "fraud-id-principal",
    }  # fmt: skip
    return args_of(AzureAdlsDataArgs, **args | overrides)


CMK: dict[str, Any] = {"customer_managed_key": True, "key_vault_uri": VAULT,
                       "key_name": "fraud-key", "identity_id": IDENTITY}  # fmt: skip
PRIVATE: dict[str, Any] = {"subnet_id": SUBNET, "dns_zone_ids": ZONES}
ACCOUNT_SCOPED = {"enabled": True, "keyType": "Account"}


def data(**overrides: Any) -> Graph:
    return run(lambda: AzureAdlsData("data", arguments(**overrides)))


def outputs(**overrides: Any) -> tuple[AzureAdlsData, dict[str, Any]]:
    """The component and its resolved outputs, as the wiring reads them."""
    return resolved(lambda: AzureAdlsData("data", arguments(**overrides)), OUTPUTS)


def account(graph: Graph) -> dict[str, Any]:
    return graph.named("data-account", "StorageAccount").inputs


def test_account_is_an_adls_gen2_account_named_from_prefix_and_suffix() -> None:
    sent = account(data())

    assert (sent["accountName"], sent["kind"], sent["isHnsEnabled"]) == (ACCOUNT, "StorageV2", True)
    assert (sent["location"], sent["resourceGroupName"]) == ("westeurope", RESOURCE_GROUP)


def test_account_accepts_tls_12_https_and_entra_id_only() -> None:
    sent = account(data())

    assert sent["minimumTlsVersion"] == "TLS1_2"
    assert sent["enableHttpsTrafficOnly"] is True
    assert sent["allowBlobPublicAccess"] is False
    assert sent["allowSharedKeyAccess"] is False
    assert sent["defaultToOAuthAuthentication"] is True


def test_redundancy_is_lrs_in_dev_zrs_when_protected_and_explicit_when_given() -> None:
    assert account(data())["sku"] == {"name": "Standard_LRS"}
    assert account(data(protect=True))["sku"] == {"name": "Standard_ZRS"}
    assert account(data(protect=True, redundancy="GZRS"))["sku"] == {"name": "Standard_GZRS"}


def test_platform_managed_keys_still_encrypt_twice_and_need_no_identity() -> None:
    sent = account(data())

    assert sent["encryption"]["requireInfrastructureEncryption"] is True
    assert sent["encryption"]["keySource"] == "Microsoft.Storage"
    assert "keyVaultProperties" not in sent["encryption"]
    assert "identity" not in sent


@pytest.mark.parametrize("overrides", [{}, CMK], ids=["microsoft-keys", "platform-key"])
def test_all_four_services_use_the_account_scoped_key(overrides: dict[str, Any]) -> None:
    """Queues and tables keep service-scoped keys (outside the CMK) unless set at creation."""
    services = account(data(**overrides))["encryption"]["services"]

    assert services == {service: ACCOUNT_SCOPED for service in ("blob", "file", "queue", "table")}


def test_customer_managed_key_is_reached_with_the_user_assigned_identity() -> None:
    sent = account(data(**CMK))

    assert sent["encryption"]["requireInfrastructureEncryption"] is True
    assert sent["encryption"]["keySource"] == "Microsoft.Keyvault"
    assert sent["encryption"]["keyVaultProperties"] == {
        "keyVaultUri": VAULT,
        "keyName": "fraud-key",
    }
    assert sent["encryption"]["encryptionIdentity"] == {"encryptionUserAssignedIdentity": IDENTITY}
    assert sent["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [IDENTITY]}


@pytest.mark.parametrize("missing", ["key_vault_uri", "key_name", "identity_id"])
def test_customer_managed_key_without_its_key_or_identity_is_refused(missing: str) -> None:
    with pytest.raises(ValueError, match=f"customer_managed_key needs {missing}"):
        data(**CMK | {missing: None})


@pytest.mark.parametrize("prefix", ["Fraud", "fraud-dl", "", "a" * 19])
def test_an_account_prefix_azure_would_reject_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="account_prefix"):
        data(account_prefix=prefix)


def test_with_a_subnet_the_account_is_private_behind_blob_and_dfs_endpoints() -> None:
    graph = data(**PRIVATE)
    sent = account(graph)

    assert sent["publicNetworkAccess"] == "Disabled"
    assert sent["networkRuleSet"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    for group_id in ("blob", "dfs"):
        endpoint = graph.named(f"data-{group_id}-endpoint", "PrivateEndpoint").inputs
        [connection] = endpoint["privateLinkServiceConnections"]
        assert (connection["privateLinkServiceId"], connection["groupIds"]) == (
            ACCOUNT_ID, [group_id])  # fmt: skip
        assert endpoint["subnet"]["id"] == SUBNET
        zones = graph.named(f"data-{group_id}-endpoint-dns").inputs["privateDnsZoneConfigs"]
        assert zones == [{"name": group_id, "privateDnsZoneId": ZONES[group_id]}]


def test_without_a_subnet_the_account_is_public_but_still_lets_azure_services_in() -> None:
    graph = data()
    sent = account(graph)

    assert sent["publicNetworkAccess"] == "Enabled"
    assert sent["networkRuleSet"] == {"defaultAction": "Allow", "bypass": "AzureServices"}
    assert not graph.of_type("azure-native:network:PrivateEndpoint")


def test_only_the_account_is_protected_and_retained_and_only_when_asked() -> None:
    protected = data(protect=True, **PRIVATE, **CMK)
    unprotected = data()

    assert [(r.name, r.retain_on_delete) for r in protected.resources if r.protect] == [
        ("data-account", True)]  # fmt: skip
    assert not [r.name for r in unprotected.resources if r.protect or r.retain_on_delete]


def test_deleted_blobs_and_containers_are_kept_for_the_soft_delete_days() -> None:
    sent = data(soft_delete_days=14).named("data-blob-service", "BlobServiceProperties").inputs

    assert sent["deleteRetentionPolicy"] == {"enabled": True, "days": 14}
    assert sent["containerDeleteRetentionPolicy"] == {"enabled": True, "days": 14}
    assert (sent["accountName"], sent["blobServicesName"]) == (ACCOUNT, "default")


def test_versioning_and_change_feed_are_not_sent_to_a_hierarchical_namespace_account() -> None:
    sent = data().named("data-blob-service", "BlobServiceProperties").inputs

    assert "isVersioningEnabled" not in sent
    assert "changeFeed" not in sent


def test_lifecycle_moves_block_blobs_to_cool_and_has_no_version_rule() -> None:
    sent = data(cool_after_days=45).named("data-lifecycle", "ManagementPolicy").inputs
    [rule] = sent["policy"]["rules"]

    assert (rule["type"], rule["enabled"]) == ("Lifecycle", True)
    assert rule["definition"]["filters"] == {"blobTypes": ["blockBlob"]}
    assert rule["definition"]["actions"] == {
        "baseBlob": {"tierToCool": {"daysAfterModificationGreaterThan": 45}}}  # fmt: skip
    assert (sent["accountName"], sent["managementPolicyName"]) == (ACCOUNT, "default")


def test_raw_and_curated_containers_are_private() -> None:
    graph = data()

    for container in ("raw", "curated"):
        sent = graph.named(f"data-{container}", "BlobContainer").inputs
        assert (sent["containerName"], sent["publicAccess"]) == (container, "None")
        assert sent["accountName"] == ACCOUNT


def role_of(definition: str) -> str:
    return next(name for name, guid in ROLES.items() if definition.endswith(f"/{guid}"))


def test_the_identity_gets_blob_data_contributor_on_the_account_only() -> None:
    graph = data()
    [assignment] = graph.of_type(GRANT)
    sent = assignment.inputs

    assert sent["scope"] == ACCOUNT_ID
    assert sent["roleDefinitionId"] == (
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/"
        f"{ROLES['Storage Blob Data Contributor']}"
    )
    assert (sent["principalId"], sent["principalType"]) == ("fraud-id-principal",
                                                            "ServicePrincipal")  # fmt: skip


def test_the_reader_only_reads_and_the_writer_only_writes_blobs_of_this_account() -> None:
    """The workspace identity (datastores read through it) gets Reader and no data role
    beyond; the workload identity (jobs, Spark) reads and writes."""
    graph = data(**READER, **PRIVATE, **CMK)
    found = {(r.inputs["principalId"], role_of(r.inputs["roleDefinitionId"]), r.inputs["scope"])
             for r in graph.of_type(GRANT)}  # fmt: skip

    assert found == {
        ("fraud-id-principal", "Storage Blob Data Contributor", ACCOUNT_ID),
        ("fraud-workspace-principal", "Storage Blob Data Reader", ACCOUNT_ID),
    }
    for grant in graph.of_type(GRANT):
        assert grant.inputs["principalType"] == "ServicePrincipal", grant.name


def test_without_a_reader_only_the_writer_is_granted() -> None:
    assert [r.name for r in data().of_type(GRANT)] == ["data-data-contributor"]
    assert sorted(r.name for r in data(**READER).of_type(GRANT)) == [
        "data-data-contributor", "data-data-reader"]  # fmt: skip


def test_the_lake_no_longer_takes_a_workspace() -> None:
    """The training capability owns the workspace: datastores and its managed network."""
    with pytest.raises(TypeError, match="workspace_name"):
        arguments(workspace_name="fraud-prod")


@pytest.mark.parametrize("overrides", [{}, PRIVATE | CMK], ids=["dev", "prod"])
def test_nothing_is_written_to_an_azure_ml_workspace(overrides: dict[str, Any]) -> None:
    graph = data(**overrides)

    assert not [r.type for r in graph.resources if ":machinelearningservices:" in r.type]
    assert not hasattr(outputs(**overrides)[0], "datastore_names")


def test_it_creates_the_lake_and_nothing_else() -> None:
    kinds = sorted(r.type.split(":")[2] for r in custom(data()))

    assert kinds == ["BlobContainer", "BlobContainer", "BlobServiceProperties",
                     "ManagementPolicy", "RoleAssignment", "StorageAccount"]  # fmt: skip


def test_a_private_lake_creates_exactly_these_resources() -> None:
    graph = data(**PRIVATE, **CMK)
    kinds = sorted(r.type.split(":")[2] for r in custom(graph))

    assert kinds == sorted(
        ["BlobContainer", "BlobContainer", "BlobServiceProperties", "ManagementPolicy",
         "RoleAssignment", "StorageAccount", "PrivateEndpoint", "PrivateEndpoint",
         "PrivateDnsZoneGroup", "PrivateDnsZoneGroup"]
    )  # fmt: skip
    [assignment] = graph.of_type("azure-native:authorization:RoleAssignment")
    assert assignment.name == "data-data-contributor"  # no network approver any more


def test_every_resource_belongs_to_the_component() -> None:
    assert strays(data(), COMPONENT) == []
    assert strays(data(**CMK, **PRIVATE), COMPONENT) == []


def test_outputs_name_the_account_its_containers_and_the_curated_uri() -> None:
    _, found = outputs()

    assert found == {
        "account_name": ACCOUNT,
        "account_id": ACCOUNT_ID,
        "raw_container": "raw",
        "curated_container": "curated",
        "data_uri": f"abfss://curated@{ACCOUNT}.dfs.core.windows.net/",
    }
