"""AzureMlflowRegistry: the private PostgreSQL server, the passwords, the artifact store, the
server's workload identity and the portable MLflow server it installs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from components.azure.mlflow.component import AzureMlflowRegistry, AzureMlflowRegistryArgs
from components.azure.shared.common import ROLES
from components.portable.mlflow.component import AUTH_DATABASE_SUFFIX, NAMESPACE, SERVICE_ACCOUNT
from opsblocks.preview import SECRET, Graph, Resource
from tests.recording import RESOURCE_GROUP, SUBSCRIPTION, args_of, custom, run, strays

TAGS = {"team": "risk", "opsblocks:capability": "registry"}
LABELS = {"opsblocks-blueprint": "fraud", "opsblocks-capability": "registry"}
COMPONENT = "opsblocks:index:AzureMlflowRegistry"
GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
VAULT_ID = f"{GROUP_ID}/providers/Microsoft.KeyVault/vaults/fraud-a1b2c3"
VAULT_URI = "https://fraud-a1b2c3.vault.azure.net/"
KEY_IDENTITY = f"{GROUP_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-id"
SUBNET = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/aks/subnets/endpoints"
VNET = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/aks"
ISSUER = "https://eastus.oic.prod-aks.azure.com/tenant/cluster/"
BLOB_ZONE = (
    f"{GROUP_ID}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"
)
LOGS = f"{GROUP_ID}/providers/Microsoft.OperationalInsights/workspaces/fraud-logs"
SERVER = "azure-native:dbforpostgresql:Server"
GRANT = "azure-native:authorization:RoleAssignment"
CMK: dict[str, Any] = {"customer_managed_key": True, "key_vault_uri": VAULT_URI,
                       "key_name": "platform-cmk", "key_identity_id": KEY_IDENTITY}  # fmt: skip
PROD: dict[str, Any] = CMK | {"protect": True, "blob_dns_zone_id": BLOB_ZONE}


# -- helpers ----------------------------------------------------------------------------------


def arguments(**overrides: Any) -> AzureMlflowRegistryArgs:
    args: dict[str, Any] = {
        "tags": TAGS, "labels": LABELS, "resource_group_name": RESOURCE_GROUP,
        "location": "eastus", "unique_suffix": "a1b2c3", "server_prefix": "fraud-mlflow-",
        "account_prefix": "fraudmf", "oidc_issuer_url": ISSUER, "subnet_id": SUBNET,
        "vnet_id": VNET, "key_vault_id": VAULT_ID, "log_workspace_id": LOGS,
        "image": "fraudacr.azurecr.io/mlflow:3.14.0-azure",
    }  # fmt: skip
    return args_of(AzureMlflowRegistryArgs, **args | overrides)


def registry(**overrides: Any) -> Graph:
    return run(lambda: AzureMlflowRegistry("registry", arguments(**overrides)))


def server(graph: Graph) -> dict[str, Any]:
    [found] = graph.of_type(SERVER)
    return found.inputs


def release_values(graph: Graph) -> dict[str, Any]:
    [release] = graph.of_type("kubernetes:helm.sh/v3:Release")
    values: dict[str, Any] = release.inputs["values"]
    return values


def walk(value: Any) -> Iterator[Any]:
    """Every leaf value of a recorded input."""
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


# -- the database -----------------------------------------------------------------------------


def test_server_is_postgres_17_named_from_prefix_and_suffix() -> None:
    sent = server(registry())

    assert (sent["serverName"], sent["version"]) == ("fraud-mlflow-a1b2c3", "17")
    assert (sent["location"], sent["resourceGroupName"]) == ("eastus", RESOURCE_GROUP)
    assert sent["tags"] == TAGS


def test_server_refuses_public_networks_and_answers_on_a_private_endpoint() -> None:
    graph = registry()
    endpoint = graph.named("registry-postgres-endpoint", "PrivateEndpoint").inputs
    zone = graph.named("registry-postgres-dns", "PrivateZone").inputs
    link = graph.named("registry-postgres-dns-link", "VirtualNetworkLink").inputs

    assert server(graph)["network"] == {"publicNetworkAccess": "Disabled"}
    assert "delegatedSubnetResourceId" not in server(graph)["network"]
    assert endpoint["subnet"]["id"] == SUBNET
    [connection] = endpoint["privateLinkServiceConnections"]
    assert connection["groupIds"] == ["postgresqlServer"]
    assert zone["privateZoneName"] == "privatelink.postgres.database.azure.com"
    assert link["virtualNetwork"] == {"id": VNET}
    assert link["registrationEnabled"] is False
    assert not graph.of_type("azure-native:dbforpostgresql:FirewallRule")


def test_server_requires_tls_12() -> None:
    graph = registry()
    settings = {r.inputs["configurationName"]: r.inputs["value"]
                for r in graph.of_type("azure-native:dbforpostgresql:Configuration")}  # fmt: skip

    assert settings["require_secure_transport"] == "on"
    assert settings["ssl_min_protocol_version"] == "TLSv1.2"


def test_dev_server_is_small_with_a_week_of_backups_and_no_standby() -> None:
    sent = server(registry())

    assert sent["sku"] == {"name": "Standard_B1ms", "tier": "Burstable"}
    assert sent["storage"]["storageSizeGB"] == 32
    assert sent["backup"] == {"backupRetentionDays": 7, "geoRedundantBackup": "Disabled"}
    assert sent["highAvailability"]["mode"] == "Disabled"


def test_prod_server_is_general_purpose_zone_redundant_with_30_days_of_backups() -> None:
    sent = server(registry(**PROD))

    assert sent["sku"] == {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"}
    assert sent["backup"]["backupRetentionDays"] == 30
    assert sent["highAvailability"]["mode"] == "ZoneRedundant"


def test_options_size_the_server() -> None:
    sent = server(registry(sku="Standard_E2ds_v5", tier="MemoryOptimized", storage_gb=128,
                           backup_retention_days=14, high_availability=True))  # fmt: skip

    assert sent["sku"] == {"name": "Standard_E2ds_v5", "tier": "MemoryOptimized"}
    assert (sent["storage"]["storageSizeGB"], sent["backup"]["backupRetentionDays"]) == (128, 14)
    assert sent["highAvailability"]["mode"] == "ZoneRedundant"


def test_prod_server_is_encrypted_with_the_platform_key_through_the_key_identity() -> None:
    sent = server(registry(**PROD))

    assert sent["dataEncryption"] == {
        "type": "AzureKeyVault",
        "primaryKeyURI": f"{VAULT_URI}keys/platform-cmk",  # versionless: follows rotations
        "primaryUserAssignedIdentityId": KEY_IDENTITY,
    }
    assert sent["identity"] == {"type": "UserAssigned",
                                "userAssignedIdentities": {KEY_IDENTITY: {}}}  # fmt: skip


def test_dev_server_keeps_service_managed_keys() -> None:
    sent = server(registry())

    assert "dataEncryption" not in sent
    assert "identity" not in sent


@pytest.mark.parametrize("overrides", [{}, PROD], ids=["dev", "prod"])
def test_server_databases_and_account_are_protected_exactly_in_prod(
    overrides: dict[str, Any],
) -> None:
    graph = registry(**overrides)
    stateful = [*graph.of_type(SERVER), *graph.of_type("azure-native:dbforpostgresql:Database"),
                *graph.of_type("azure-native:storage:StorageAccount")]  # fmt: skip
    prod = bool(overrides)

    assert len(stateful) == 4
    assert all(r.protect is prod for r in stateful)
    assert all(
        r.retain_on_delete is prod
        for r in stateful
        if r.type != "azure-native:dbforpostgresql:Database"
    )


def test_tracking_and_auth_databases_are_created_in_utf8() -> None:
    graph = registry()
    databases = {r.inputs["databaseName"]: r.inputs
                 for r in graph.of_type("azure-native:dbforpostgresql:Database")}  # fmt: skip

    auth = f"mlflow{AUTH_DATABASE_SUFFIX}"
    assert set(databases) == {"mlflow", auth}
    assert all(d["charset"] == "UTF8" for d in databases.values())


def test_server_logs_go_to_the_log_workspace() -> None:
    sent = registry().named("registry-postgres-logs", "DiagnosticSetting").inputs

    assert sent["workspaceId"] == LOGS
    assert sent["logs"] == [{"categoryGroup": "allLogs", "enabled": True}]


# -- the passwords ----------------------------------------------------------------------------


def test_passwords_are_generated_and_kept_in_the_vault_as_secrets() -> None:
    graph = registry()
    secrets = {
        r.inputs["secretName"]: r.inputs for r in graph.of_type("azure-native:keyvault:Secret")
    }

    assert set(secrets) == {"mlflow-database-password", "mlflow-admin-password"}
    for sent in secrets.values():
        assert sent["vaultName"] == "fraud-a1b2c3"
        assert sent["properties"] == SECRET  # the value makes the whole object secret
    passwords = graph.of_type("random:index/randomPassword:RandomPassword")
    assert len(passwords) == 2
    assert all(p.inputs["length"] >= 32 and p.inputs["special"] is False for p in passwords)


def test_passwords_reach_the_server_and_mlflow_only_as_secrets() -> None:
    graph = registry()
    secrets = graph.of_type("kubernetes:core/v1:Secret")

    assert server(graph)["administratorLoginPassword"] == SECRET
    assert {s.inputs["metadata"]["name"] for s in secrets} == {"mlflow-database", "mlflow-admin"}
    assert all(s.inputs["stringData"] == SECRET for s in secrets)
    values = release_values(graph)
    assert values["backendStore"]["existingDatabaseSecret"]["name"] == "mlflow-database"
    assert values["auth"]["existingAdminSecret"]["name"] == "mlflow-admin"


def test_no_password_is_sent_in_the_clear() -> None:
    """The recorder answers each generated password with `<name>-generated`: no input of any
    resource or component may hold it unmasked."""
    graph = registry(**PROD)
    generated = ("registry-database-password-generated", "registry-admin-password-generated")
    recorded = json.dumps([r.inputs for r in graph.resources])

    assert len(graph.of_type("random:index/randomPassword:RandomPassword")) == 2
    assert not [password for password in generated if password in recorded]


# -- the artifact store -----------------------------------------------------------------------


def account(graph: Graph) -> dict[str, Any]:
    return graph.named("registry-artifacts", "StorageAccount").inputs


def test_artifact_account_is_entra_only_tls_12_and_versioned() -> None:
    graph = registry()
    sent = account(graph)
    service = graph.named("registry-artifacts-blob-service", "BlobServiceProperties").inputs
    container = graph.named("registry-artifacts-container", "BlobContainer").inputs

    assert sent["accountName"] == "fraudmfa1b2c3"
    assert (sent["allowSharedKeyAccess"], sent["allowBlobPublicAccess"]) == (False, False)
    assert (sent["minimumTlsVersion"], sent["enableHttpsTrafficOnly"]) == ("TLS1_2", True)
    assert sent["encryption"]["requireInfrastructureEncryption"] is True
    assert service["isVersioningEnabled"] is True
    assert service["deleteRetentionPolicy"] == {"enabled": True, "days": 30}
    assert (container["containerName"], container["publicAccess"]) == ("mlflow", "None")


def test_prod_artifact_account_is_private_and_encrypted_with_the_platform_key() -> None:
    graph = registry(**PROD)
    sent = account(graph)
    endpoint = graph.named("registry-artifacts-blob-endpoint", "PrivateEndpoint").inputs

    assert sent["publicNetworkAccess"] == "Disabled"
    assert sent["networkRuleSet"]["defaultAction"] == "Deny"
    assert sent["encryption"]["keySource"] == "Microsoft.Keyvault"
    assert sent["encryption"]["keyVaultProperties"] == {"keyName": "platform-cmk",
                                                         "keyVaultUri": VAULT_URI}  # fmt: skip
    assert endpoint["subnet"]["id"] == SUBNET
    zones = graph.named("registry-artifacts-blob-endpoint-dns", "PrivateDnsZoneGroup").inputs
    assert [z["privateDnsZoneId"] for z in zones["privateDnsZoneConfigs"]] == [BLOB_ZONE]


# -- the server's identity --------------------------------------------------------------------


def test_federated_credential_names_exactly_the_servers_service_account() -> None:
    sent = registry().named("registry-federated", "FederatedIdentityCredential").inputs

    assert sent["issuer"] == ISSUER
    assert sent["subject"] == f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}"
    assert sent["audiences"] == ["api://AzureADTokenExchange"]
    assert sent["resourceName"] == "registry-identity"


def test_identity_may_write_blobs_of_the_artifact_container_only() -> None:
    graph = registry()
    grants = [g.inputs for g in graph.of_type(GRANT)]
    container_id = (f"{GROUP_ID}/providers/Microsoft.storage/BlobContainer/"
                    "registry-artifacts-container")  # fmt: skip

    assert len(grants) == 1
    assert grants[0]["scope"] == container_id
    assert grants[0]["roleDefinitionId"].endswith(ROLES["Storage Blob Data Contributor"])
    assert grants[0]["principalId"] == "registry-identity-principal"


def test_server_runs_as_the_identity_with_the_platform_labels() -> None:
    graph = registry(replicas=2)
    [mlflow] = graph.of_type("opsblocks:index:MlflowServer")
    by_urn = graph.by_urn()
    account = graph.named("registry-server-service-account", "ServiceAccount").inputs
    values = release_values(graph)

    assert by_urn[mlflow.parent or ""].type == COMPONENT
    assert account["metadata"]["annotations"] == {
        "azure.workload.identity/client-id": "registry-identity-client"
    }
    assert values["extraPodLabels"] == LABELS | {"azure.workload.identity/use": "true"}
    assert values["replicaCount"] == 2
    assert values["backendStore"]["postgres"]["host"]
    assert values["backendStore"]["postgres"]["database"] == "mlflow"
    assert values["artifactRoot"]["defaultArtifactsDestination"] == (
        "wasbs://mlflow@fraudmfa1b2c3.blob.core.windows.net/artifacts"
    )


# -- shape and refusals -----------------------------------------------------------------------


@pytest.mark.parametrize("overrides", [{}, PROD], ids=["dev", "prod"])
def test_every_resource_descends_from_the_component_and_carries_the_tags(
    overrides: dict[str, Any],
) -> None:
    graph = registry(**overrides)
    tagged: list[Resource] = [r for r in custom(graph) if "tags" in r.inputs]

    assert strays(graph, COMPONENT) == []
    assert tagged and all(r.inputs["tags"].items() >= TAGS.items() for r in tagged)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"server_prefix": "Fraud-"}, "server_prefix 'Fraud-'"),
        ({"account_prefix": "fraud-mf"}, "account_prefix 'fraud-mf'"),
        ({"customer_managed_key": True}, "customer_managed_key needs key_vault_uri"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        registry(**overrides)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"storage_gb": 40}, "storage_gb 40 is not a size"),
        ({"sku": "Standard_B2s"}, "sku and tier go together"),
        ({"sku": "Standard_B2s", "tier": "Burstable", "high_availability": True},
         "not offered on the Burstable tier"),
        ({"backup_retention_days": 3}, "greater than or equal to 7"),
    ],
)  # fmt: skip
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    from pydantic import ValidationError

    from components.azure.mlflow.options import AzureMlflowOptions

    with pytest.raises(ValidationError, match=message):
        AzureMlflowOptions(image="fraudacr.azurecr.io/mlflow:3.14.0-azure", **options)


def test_prod_refuses_burstable_with_the_default_standby() -> None:
    from components.azure.mlflow.options import AzureMlflowOptions

    burstable = AzureMlflowOptions(image="fraudacr.azurecr.io/mlflow:3.14.0-azure",
                                   sku="Standard_B2s", tier="Burstable")  # fmt: skip

    assert burstable.environment_problem("prod") is not None
    assert burstable.environment_problem("dev") is None


def test_prod_server_is_priced_twice_for_its_standby() -> None:
    from opsblocks.cost.azure import postgres_server

    graph = registry(**PROD)
    [sent] = graph.of_type(SERVER)

    class _Context:
        def line(self, name: str, kind: Any, sku: str, attribute: str, quantity: Any) -> Any:
            return (sku, attribute, quantity)

    lines = postgres_server(sent, _Context())  # type: ignore[arg-type]

    assert lines[0] == ("postgres-flexible-compute", "Standard_D2ds_v5", 2 * 730)
    assert lines[1] == ("postgres-flexible-storage", "storage", 2 * 32)
    assert lines[2] == ("postgres-flexible-storage", "backup", None)
