"""AzureMlTraining: the workspace, its storage, the identities' roles, compute and diagnostics."""

from __future__ import annotations

from typing import Any

import pulumi_azure_native as azure_native
import pytest

from components.azure.azureml.component import AzureMlTraining, AzureMlTrainingArgs
from components.azure.foundation import AzureFoundation, AzureFoundationArgs
from opsblocks.preview import Graph, Resource
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    TENANT,
    args_of,
    custom,
    resolved,
    run,
    strays,
)

TAGS = {"team": "risk", "opsblocks:capability": "training"}
COMPONENT = "opsblocks:index:AzureMlTraining"
SUBSCRIPTION_ID = f"/subscriptions/{SUBSCRIPTION}"
GROUP_ID = f"{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}"
IDENTITY = f"{GROUP_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-id"
PRINCIPAL = "fraud-id-principal"
WORKLOAD = f"{GROUP_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-workload"
WORKLOAD_PRINCIPAL = "fraud-workload-principal"
VAULT_ID = f"{GROUP_ID}/providers/Microsoft.KeyVault/vaults/fraud-kv"
VAULT_URI = "https://fraud-kv.vault.azure.net/"
INSIGHTS = f"{GROUP_ID}/providers/Microsoft.Insights/components/fraud-insights"
LOGS = f"{GROUP_ID}/providers/Microsoft.OperationalInsights/workspaces/fraud-logs"
ACR = f"{GROUP_ID}/providers/Microsoft.ContainerRegistry/registries/fraudacra1b2c3"
SUBNET = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/fraud/subnets/private"
ZONES = {group: f"zone-{group}" for group in ("blob", "file", "amlworkspace", "notebooks")}
# What the fake outputs of tests/recording.py answer for the resources the component creates.
STORAGE_ID = f"{GROUP_ID}/providers/Microsoft.storage/StorageAccount/training-storage"
WORKSPACE_ID = (
    f"{GROUP_ID}/providers/Microsoft.machinelearningservices/Workspace/training-workspace"
)
ENDPOINT = f"{GROUP_ID}/providers/Microsoft.network/PrivateEndpoint/training-storage-{{}}-pe"
OUTPUTS = (
    "workspace_name",
    "workspace_id",
    "cluster_name",
    "storage_account_id",
    "no_serving_role_id",
)
APPROVER = "b556d68e-0be0-4f35-a333-ad7ee1ce17ea"  # Azure AI Enterprise Network Connection Approver
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
FILE_DATA_PRIVILEGED_CONTRIBUTOR = "69566ab7-960f-475b-8e7c-b3118f30c6bd"
SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
VAULT_ADMINISTRATOR = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
METRICS_WRITER = "635dd51f-9968-44d3-b7fb-6d9a6bd613ae"  # AzureML Metrics Writer (preview)
SERVING = f"{GROUP_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-serving"
SERVING_PRINCIPAL = "fraud-serving-principal"
DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121"
NO_SERVING = "training-no-serving-role"  # the custom role's fake id ends in its resource name
NO_SERVING_ID = f"{GROUP_ID}/providers/Microsoft.authorization/RoleDefinition/{NO_SERVING}"
CMK: dict[str, Any] = {"customer_managed_key": True, "key_vault_uri": VAULT_URI,
                       "key_name": "fraud-key"}  # fmt: skip
PRIVATE: dict[str, Any] = {"private": True, "subnet_id": SUBNET, "dns_zone_ids": ZONES}
USER = "11111111-2222-3333-4444-555555555555"  # an Entra object id
INSTANCE: dict[str, Any] = {"compute_instance": True, "compute_instance_user": USER,
                            "tenant_id": TENANT}  # fmt: skip
ML_REGISTRY = f"{GROUP_ID}/providers/Microsoft.MachineLearningServices/registries/fraud-registry"
ML_REGISTRY_AND_STORES: dict[str, Any] = {
    "ml_registry_id": ML_REGISTRY,
    "ml_registry_storage_id": f"{ML_REGISTRY}/system-created-storage",
    "ml_registry_acr_id": f"{ML_REGISTRY}/system-created-acr",
}


def arguments(*, checked: bool = True, **overrides: Any) -> AzureMlTrainingArgs:
    args: dict[str, Any] = {
        "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "resource_group_id": GROUP_ID,
        "location": "westeurope",
        "unique_suffix": "a1b2c3", "workspace_name": "fraud-prod", "storage_prefix": "fraudml",
        "identity_id": IDENTITY, "identity_principal_id": PRINCIPAL,
        "workload_identity_id": WORKLOAD,
        "workload_identity_principal_id": WORKLOAD_PRINCIPAL, "serving_identity_id": SERVING,
        "serving_identity_principal_id": SERVING_PRINCIPAL, "key_vault_id": VAULT_ID,
        "app_insights_id": INSIGHTS, "log_workspace_id": LOGS, "acr_id": ACR,
    }  # fmt: skip
    return args_of(AzureMlTrainingArgs, checked=checked, **args | overrides)


def training(**overrides: Any) -> Graph:
    return run(lambda: AzureMlTraining("training", arguments(**overrides)))


def outputs(**overrides: Any) -> tuple[AzureMlTraining, dict[str, Any]]:
    """The component and its resolved outputs, as the wiring reads them."""
    return resolved(
        lambda: AzureMlTraining("training", arguments(**overrides)),
        (*OUTPUTS, "compute_instance_name", "serving_identity_id"),
    )


def workspace(graph: Graph) -> dict[str, Any]:
    return graph.named("training-workspace", "Workspace").inputs


def storage(graph: Graph) -> dict[str, Any]:
    return graph.named("training-storage", "StorageAccount").inputs


def cluster(graph: Graph) -> dict[str, Any]:
    return graph.named("training-cluster", "Compute").inputs


def grants(graph: Graph) -> list[Resource]:
    return graph.of_type("azure-native:authorization:RoleAssignment")


def role(resource: Resource) -> str:
    return str(resource.inputs["roleDefinitionId"]).rsplit("/", 1)[-1]


def roles_of(graph: Graph, principal: str) -> set[tuple[str, str]]:
    """(role id, scope) of every grant to `principal`."""
    return {(role(r), r.inputs["scope"]) for r in grants(graph)
            if r.inputs["principalId"] == principal}  # fmt: skip


def test_workspace_runs_as_the_workspace_identity_on_the_given_dependencies() -> None:
    sent = workspace(training())

    assert sent["identity"]["type"] == "UserAssigned"
    assert sent["primaryUserAssignedIdentity"] == IDENTITY
    assert (sent["storageAccount"], sent["keyVault"]) == (STORAGE_ID, VAULT_ID)
    assert (sent["applicationInsights"], sent["containerRegistry"]) == (INSIGHTS, ACR)
    assert sent["systemDatastoresAuthMode"] == "Identity"  # no storage keys in the vault


def test_the_workload_identity_is_attached_to_the_workspace_for_serverless_spark() -> None:
    """Serverless Spark (the model monitor's drift job) runs as a user-assigned identity
    attached to the workspace ("Submit Spark jobs in Azure Machine Learning"); the workspace
    itself still runs as its own identity (the primary one)."""
    sent = workspace(training())

    assert sent["identity"]["userAssignedIdentities"] == [IDENTITY, WORKLOAD]
    assert sent["primaryUserAssignedIdentity"] == IDENTITY


def test_workspace_is_a_basic_v2_workspace_with_the_explicit_name() -> None:
    sent = workspace(training())

    assert (sent["workspaceName"], sent["location"]) == ("fraud-prod", "westeurope")
    assert sent["resourceGroupName"] == RESOURCE_GROUP
    assert sent["sku"] == {"name": "Basic", "tier": "Basic"}
    assert sent["v1LegacyMode"] is False


def test_images_are_built_on_the_training_cluster() -> None:
    graph = training()

    assert workspace(graph)["imageBuildCompute"] == cluster(graph)["computeName"] == "train"


def test_private_workspace_refuses_public_access_and_allows_only_approved_outbound() -> None:
    sent = workspace(training(**PRIVATE))

    assert sent["publicNetworkAccess"] == "Disabled"
    assert sent["managedNetwork"]["isolationMode"] == "AllowOnlyApprovedOutbound"


def test_dev_workspace_is_public_but_its_compute_still_runs_in_the_managed_network() -> None:
    sent = workspace(training())

    assert sent["publicNetworkAccess"] == "Enabled"
    assert sent["managedNetwork"]["isolationMode"] == "AllowInternetOutbound"


def test_with_a_subnet_workspace_and_storage_get_private_endpoints_in_their_zones() -> None:
    graph = training(**PRIVATE)
    endpoints = {
        r.name: r.inputs["privateLinkServiceConnections"][0]
        for r in graph.of_type("azure-native:network:PrivateEndpoint")
    }
    zones = graph.named("training-workspace-pe-dns").inputs["privateDnsZoneConfigs"]

    assert {name: (c["privateLinkServiceId"], c["groupIds"]) for name, c in endpoints.items()} == {
        "training-workspace-pe": (WORKSPACE_ID, ["amlworkspace"]),
        "training-storage-blob-pe": (STORAGE_ID, ["blob"]),
        "training-storage-file-pe": (STORAGE_ID, ["file"]),
    }
    assert {z["privateDnsZoneId"] for z in zones} == {"zone-amlworkspace", "zone-notebooks"}
    for name in endpoints:
        assert graph.named(name).inputs["subnet"]["id"] == SUBNET


def test_without_a_subnet_there_is_no_private_endpoint() -> None:
    graph = training()

    assert not graph.of_type("azure-native:network:PrivateEndpoint")
    assert not graph.of_type("azure-native:network:PrivateDnsZoneGroup")


def test_storage_behind_private_endpoints_refuses_public_network_access() -> None:
    private = storage(training(**PRIVATE))
    public = storage(training())

    assert private["publicNetworkAccess"] == "Disabled"
    assert private["networkRuleSet"]["defaultAction"] == "Deny"
    assert public["publicNetworkAccess"] == "Enabled"
    assert "networkRuleSet" not in public


def test_storage_is_a_flat_namespace_account_that_takes_entra_id_over_tls_only() -> None:
    sent = storage(training())

    assert sent["accountName"] == "fraudmla1b2c3"
    assert (sent["kind"], sent["isHnsEnabled"]) == ("StorageV2", False)  # ML refuses HNS
    assert (sent["minimumTlsVersion"], sent["enableHttpsTrafficOnly"]) == ("TLS1_2", True)
    assert sent["allowBlobPublicAccess"] is False
    assert sent["allowSharedKeyAccess"] is False
    assert sent["defaultToOAuthAuthentication"] is True
    assert sent["allowCrossTenantReplication"] is False


def test_storage_is_double_encrypted_with_microsoft_keys_by_default() -> None:
    sent = storage(training())

    assert sent["encryption"]["requireInfrastructureEncryption"] is True
    assert sent["encryption"]["keySource"] == "Microsoft.Storage"
    assert "keyVaultProperties" not in sent["encryption"]
    assert "identity" not in sent


@pytest.mark.parametrize("options", [{}, CMK], ids=["microsoft-keys", "platform-key"])
def test_storage_encrypts_all_four_services_with_the_account_scoped_key(
    options: dict[str, Any],
) -> None:
    """Queues and tables keep service-scoped keys (outside the CMK) unless set at creation."""
    services = storage(training(**options))["encryption"]["services"]

    assert services == {service: {"enabled": True, "keyType": "Account"}
                        for service in ("blob", "file", "queue", "table")}  # fmt: skip


def test_storage_uses_the_platform_key_through_the_identity_when_asked() -> None:
    sent = storage(training(**CMK))

    assert sent["encryption"]["keySource"] == "Microsoft.Keyvault"
    assert sent["encryption"]["keyVaultProperties"] == {"keyVaultUri": VAULT_URI,
                                                        "keyName": "fraud-key"}  # fmt: skip
    assert sent["encryption"]["encryptionIdentity"] == {"encryptionUserAssignedIdentity": IDENTITY}
    assert sent["encryption"]["requireInfrastructureEncryption"] is True
    assert sent["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [IDENTITY]}


def test_workspace_metadata_stays_on_microsoft_keys_even_with_the_platform_key() -> None:
    # Classic encryption brings billed Cosmos DB and search resources; service-side encryption
    # is documented as unsupported with a vault whose public network access is disabled.
    sent = workspace(training(**CMK, **PRIVATE))

    assert "encryption" not in sent
    assert "enableServiceSideCmkEncryption" not in sent
    assert storage(training(**CMK))["encryption"]["keySource"] == "Microsoft.Keyvault"


def test_customer_managed_key_without_the_key_is_refused() -> None:
    for missing in ("key_vault_uri", "key_name"):
        with pytest.raises(ValueError, match="key_vault_uri and key_name"):
            AzureMlTraining("training", arguments(**CMK | {missing: None}))


def test_prod_protects_and_retains_the_storage_and_the_workspace_only() -> None:
    graph = training(protect=True)

    assert {r.name for r in graph.resources if r.protect} == {
        "training-storage", "training-workspace"}  # fmt: skip
    assert {r.name for r in graph.resources if r.retain_on_delete} == {
        "training-storage", "training-workspace"}  # fmt: skip
    assert storage(graph)["sku"] == {"name": "Standard_ZRS"}


def test_prod_storage_keeps_deleted_blobs_and_containers_for_thirty_days() -> None:
    service = training(protect=True).named("training-storage-blob-service", "BlobServiceProperties")
    retention = {"enabled": True, "days": 30}

    assert service.inputs["accountName"] == "fraudmla1b2c3"
    assert service.inputs["blobServicesName"] == "default"
    assert service.inputs["deleteRetentionPolicy"] == retention
    assert service.inputs["containerDeleteRetentionPolicy"] == retention


def test_prod_storage_keeps_deleted_file_shares_and_so_notebooks_for_thirty_days() -> None:
    # Notebooks live on the workspace's Azure Files share, which blob soft delete never covers.
    graph = training(protect=True)
    service = graph.named("training-storage-file-service", "FileServiceProperties")

    assert service.inputs["accountName"] == "fraudmla1b2c3"
    assert service.inputs["fileServicesName"] == "default"
    assert service.inputs["shareDeleteRetentionPolicy"] == {"enabled": True, "days": 30}
    assert not training().of_type("azure-native:storage:FileServiceProperties")


def test_dev_protects_nothing_and_keeps_storage_locally_redundant() -> None:
    graph = training()

    assert not [r.name for r in graph.resources if r.protect or r.retain_on_delete]
    assert storage(graph)["sku"] == {"name": "Standard_LRS"}


def test_job_and_run_events_go_to_the_log_workspace_in_their_own_tables() -> None:
    sent = training().named("training-diagnostics", "DiagnosticSetting").inputs
    categories = {log["category"] for log in sent["logs"] if log["enabled"]}

    assert (sent["resourceUri"], sent["workspaceId"]) == (WORKSPACE_ID, LOGS)
    assert {"AmlComputeJobEvent", "AmlRunStatusChangedEvent"} <= categories
    assert len(categories) == len(sent["logs"])
    assert sent["logAnalyticsDestinationType"] == "Dedicated"
    assert sent["metrics"] == [{"category": "AllMetrics", "enabled": True}]


def test_cluster_scales_to_zero_with_no_public_ip_ssh_or_local_auth() -> None:
    sent = cluster(training())
    aml = sent["properties"]

    assert aml["computeType"] == "AmlCompute"
    assert aml["disableLocalAuth"] is True
    assert aml["properties"] == {
        "vmSize": "Standard_DS3_v2", "vmPriority": "Dedicated", "osType": "Linux",
        "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2,
                          "nodeIdleTimeBeforeScaleDown": "PT120S"},
        "enableNodePublicIp": False, "remoteLoginPortPublicAccess": "Disabled",
    }  # fmt: skip
    assert sent["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [WORKLOAD]}
    assert sent["location"] == "westeurope"


def test_cluster_takes_its_size_and_priority_from_the_options() -> None:
    aml = cluster(
        training(
            vm_size="Standard_NC6s_v3",
            max_nodes=8,
            idle_seconds_before_scale_down=600,
            low_priority=True,
        )
    )["properties"]

    assert aml["properties"]["vmSize"] == "Standard_NC6s_v3"
    assert aml["properties"]["vmPriority"] == "LowPriority"
    assert aml["properties"]["scaleSettings"] == {
        "minNodeCount": 0, "maxNodeCount": 8, "nodeIdleTimeBeforeScaleDown": "PT600S"}  # fmt: skip


def test_compute_lives_in_the_workspace() -> None:
    graph = training(**INSTANCE)
    workspace_urn = graph.named("training-workspace").urn

    for name in ("training-cluster", "training-notebook"):
        compute = graph.named(name, "Compute")
        assert compute.inputs["workspaceName"] == "fraud-prod"  # the workspace's name output
        assert workspace_urn in compute.dependencies, name


def test_no_compute_instance_unless_asked() -> None:
    graph = training()
    component, _ = outputs()

    assert [r.name for r in graph.of_type("azure-native:machinelearningservices:Compute")] == [
        "training-cluster"]  # fmt: skip
    assert component.compute_instance_name is None


def test_compute_instance_has_a_regional_name_no_ssh_and_shuts_down_when_idle() -> None:
    sent = training(**INSTANCE, compute_instance_vm_size="Standard_E4ds_v4",
                    idle_minutes_before_shutdown=90).named("training-notebook").inputs  # fmt: skip
    instance = sent["properties"]

    assert sent["computeName"] == "nb-a1b2c3"
    assert (instance["computeType"], instance["disableLocalAuth"]) == ("ComputeInstance", True)
    assert instance["properties"]["vmSize"] == "Standard_E4ds_v4"
    assert instance["properties"]["sshSettings"] == {"sshPublicAccess": "Disabled"}
    assert instance["properties"]["enableNodePublicIp"] is False
    assert instance["properties"]["idleTimeBeforeShutdown"] == "PT90M"
    assert sent["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [WORKLOAD]}


def test_compute_instance_belongs_to_its_user() -> None:
    instance = training(**INSTANCE).named("training-notebook").inputs["properties"]

    assert instance["properties"]["personalComputeInstanceSettings"] == {
        "assignedUser": {"objectId": USER, "tenantId": TENANT}
    }


def test_the_instance_user_may_use_the_workspace_storage_which_takes_no_shared_keys() -> None:
    """ "Disable shared key access for your workspace's storage account": its users need
    Storage Blob Data Contributor and Storage File Data Privileged Contributor on it (studio
    data browsing, notebook files), granted to the user as a user, before the instance."""
    graph = training(**INSTANCE)
    mine = [r for r in grants(graph) if r.inputs["principalId"] == USER]

    assert {(role(r), r.inputs["scope"], r.inputs["principalType"]) for r in mine} == {
        (BLOB_DATA_CONTRIBUTOR, STORAGE_ID, "User"),
        (FILE_DATA_PRIVILEGED_CONTRIBUTOR, STORAGE_ID, "User"),
    }
    assert {r.urn for r in mine} <= set(graph.named("training-notebook").dependencies)


def test_without_a_compute_instance_no_user_gets_a_role() -> None:
    assert {r.inputs["principalType"] for r in grants(training())} == {"ServicePrincipal"}


@pytest.mark.parametrize("missing", ["compute_instance_user", "tenant_id"])
def test_a_compute_instance_without_its_user_is_refused(missing: str) -> None:
    with pytest.raises(ValueError, match="compute_instance_user"):
        AzureMlTraining("training", arguments(checked=False, **INSTANCE | {missing: None}))


def test_without_a_compute_instance_no_user_is_needed() -> None:
    AzureMlTraining("training", arguments(compute_instance=False))  # no ValueError


def test_each_identity_gets_each_role_on_one_resource() -> None:
    found = {(r.name, role(r), r.inputs["scope"], r.inputs["principalId"])
             for r in grants(training(**PRIVATE))}  # fmt: skip
    ws, wl, sv = PRINCIPAL, WORKLOAD_PRINCIPAL, SERVING_PRINCIPAL

    assert found == {
        ("training-storage-contributor", CONTRIBUTOR, STORAGE_ID, ws),
        ("training-storage-blob", BLOB_DATA_CONTRIBUTOR, STORAGE_ID, ws),
        ("training-storage-blob-pe-reader", READER, ENDPOINT.format("blob"), ws),
        ("training-storage-file-pe-reader", READER, ENDPOINT.format("file"), ws),
        ("training-vault-contributor", CONTRIBUTOR, VAULT_ID, ws),
        ("training-vault-administrator", VAULT_ADMINISTRATOR, VAULT_ID, ws),
        ("training-registry-contributor", CONTRIBUTOR, ACR, ws),
        ("training-insights-contributor", CONTRIBUTOR, INSIGHTS, ws),
        ("training-workspace-contributor", CONTRIBUTOR, WORKSPACE_ID, ws),
        ("training-workload-storage-blob", BLOB_DATA_CONTRIBUTOR, STORAGE_ID, wl),
        ("training-workload-storage-file", FILE_DATA_PRIVILEGED_CONTRIBUTOR, STORAGE_ID, wl),
        ("training-workload-ml", NO_SERVING, WORKSPACE_ID, wl),
        ("training-serving-acr-pull", ACR_PULL, ACR, sv),
        ("training-serving-storage-contributor", BLOB_DATA_CONTRIBUTOR, STORAGE_ID, sv),
        ("training-serving-metrics-writer", METRICS_WRITER, WORKSPACE_ID, sv),
    }


@pytest.mark.parametrize("options", [{}, PRIVATE | INSTANCE | ML_REGISTRY_AND_STORES],
                         ids=["dev", "prod"])  # fmt: skip
def test_the_workload_identity_may_only_use_the_storage_and_work_in_the_workspace(
    options: dict[str, Any],
) -> None:
    """User code runs as it: no Contributor, vault, approver or Reader role anywhere."""
    assert roles_of(training(**options), WORKLOAD_PRINCIPAL) == {
        (BLOB_DATA_CONTRIBUTOR, STORAGE_ID),
        (FILE_DATA_PRIVILEGED_CONTRIBUTOR, STORAGE_ID),
        (NO_SERVING, WORKSPACE_ID),
    }


def test_user_code_cannot_serve_reopen_the_network_approve_endpoints_or_stop_schedules() -> None:
    """Jobs and notebooks run as the workload identity: AzureML Data Scientist's
    `workspaces/*/write` would let them deploy a model nobody approved, write prod's outbound
    rules, approve a foreign private endpoint or switch off the quality-gate and drift
    schedules. Its custom role takes all of that away, and nothing else is granted."""
    graph = training()
    role = graph.named(NO_SERVING, "RoleDefinition").inputs
    [permission] = role["permissions"]
    workspace = "Microsoft.MachineLearningServices/workspaces"
    denied = {f"{workspace}/{kind}/{verb}"
              for kind in ("onlineEndpoints", "onlineEndpoints/deployments", "batchEndpoints",
                           "batchEndpoints/deployments", "serverlessEndpoints")
              for verb in ("write", "delete")}  # fmt: skip
    denied |= {f"{workspace}/outboundRules/*", f"{workspace}/privateEndpointConnections/*",
               f"{workspace}/schedules/write", f"{workspace}/schedules/delete",
               f"{workspace}/listKeys/action", f"{workspace}/computes/*/write"}  # fmt: skip

    assert (role["scope"], role["assignableScopes"], role["roleType"]) == (
        GROUP_ID, [GROUP_ID], "CustomRole")  # fmt: skip
    assert permission["actions"] == [f"{workspace}/*/{v}" for v in ("read", "action", "delete",
                                                                    "write")]  # fmt: skip
    assert denied <= set(permission["notActions"])
    assert DATA_SCIENTIST not in {found for found, _ in roles_of(graph, WORKLOAD_PRINCIPAL)}


def test_the_workspace_identity_runs_nothing_and_does_no_data_science() -> None:
    graph = training(**PRIVATE, **INSTANCE)
    computes = graph.of_type("azure-native:machinelearningservices:Compute")

    assert len(computes) == 2
    for compute in computes:
        assert compute.inputs["identity"]["userAssignedIdentities"] == [WORKLOAD], compute.name
    held = {found for found, _ in roles_of(graph, PRINCIPAL)}
    assert not held & {DATA_SCIENTIST, FILE_DATA_PRIVILEGED_CONTRIBUTOR}


def test_grants_name_an_identity_and_built_in_roles_of_the_subscription() -> None:
    for grant in grants(training(**PRIVATE)):
        principals = (PRINCIPAL, WORKLOAD_PRINCIPAL, SERVING_PRINCIPAL)
        assert grant.inputs["principalId"] in principals, grant.name
        assert grant.inputs["principalType"] == "ServicePrincipal", grant.name
        assert grant.inputs["roleDefinitionId"] == NO_SERVING_ID or grant.inputs[
            "roleDefinitionId"
        ].startswith(f"{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/")


def test_no_grant_reaches_a_resource_group_or_the_subscription() -> None:
    for grant in grants(training(**PRIVATE, **INSTANCE)):
        scope = grant.inputs["scope"]
        assert scope.startswith(f"{GROUP_ID}/providers/"), grant.name
        assert scope not in (GROUP_ID, SUBSCRIPTION_ID), grant.name


def test_the_workspace_identity_holds_microsofts_required_roles_on_every_dependency() -> None:
    """ "Set up authentication between Azure Machine Learning and other services", workspace
    with a user-assigned identity: Contributor on the workspace, its storage, vault, container
    registry and Application Insights, Key Vault Administrator on an RBAC vault, Storage Blob
    Data Contributor on the storage."""
    required = {(CONTRIBUTOR, WORKSPACE_ID), (CONTRIBUTOR, STORAGE_ID),
                (BLOB_DATA_CONTRIBUTOR, STORAGE_ID), (CONTRIBUTOR, VAULT_ID),
                (VAULT_ADMINISTRATOR, VAULT_ID), (CONTRIBUTOR, ACR),
                (CONTRIBUTOR, INSIGHTS)}  # fmt: skip

    for options in ({}, PRIVATE):
        assert required <= roles_of(training(**options), PRINCIPAL)


def test_the_registry_gets_no_push_role_here() -> None:
    acr = [r for r in grants(training()) if r.inputs["scope"] == ACR]

    # AcrPush: the registry capability; the serving identity pulls only.
    assert {role(r) for r in acr} == {CONTRIBUTOR, ACR_PULL}


def test_endpoint_readers_exist_only_with_private_endpoints() -> None:
    assert not [r for r in grants(training()) if "-pe-reader" in r.name]
    assert len([r for r in grants(training(**PRIVATE)) if "-pe-reader" in r.name]) == 2


def test_workspace_is_created_after_the_roles_it_needs() -> None:
    graph = training(**PRIVATE)
    needed = {r.urn for r in grants(graph)
              if r.inputs["scope"] != WORKSPACE_ID
              and r.inputs["principalId"] == PRINCIPAL}  # fmt: skip

    assert len(needed) == 8
    assert needed <= set(graph.named("training-workspace").dependencies)


def test_compute_is_created_after_the_workload_roles_and_the_roles_on_the_workspace() -> None:
    graph = training(**INSTANCE)
    # The serving identity's role on the workspace is not one compute runs with.
    before = {r.urn for r in grants(graph) if r.inputs["principalId"] != SERVING_PRINCIPAL
              and (r.inputs["scope"] == WORKSPACE_ID
                   or r.inputs["principalId"] == WORKLOAD_PRINCIPAL)}  # fmt: skip

    assert len(before) == 4
    for name in ("training-cluster", "training-notebook"):
        assert before <= set(graph.named(name).dependencies), name


def test_every_resource_belongs_to_the_component() -> None:
    assert strays(training(**PRIVATE, **CMK, **INSTANCE), COMPONENT) == []
    assert strays(training(), COMPONENT) == []


def test_nothing_but_the_expected_resources_is_created() -> None:
    kinds = sorted(r.type.rsplit(":", 1)[-1] for r in custom(training()))

    assert kinds == sorted(["Compute", "DiagnosticSetting", "StorageAccount", "Workspace",
                            "RoleDefinition"]
                           + ["RoleAssignment"] * 13)  # fmt: skip


def test_outputs_are_read_from_the_resources() -> None:
    _, found = outputs(**INSTANCE)

    assert found == {
        "workspace_name": "fraud-prod",
        "workspace_id": WORKSPACE_ID,
        "cluster_name": "train",
        "compute_instance_name": "nb-a1b2c3",
        "storage_account_id": STORAGE_ID,
        "no_serving_role_id": NO_SERVING_ID,
        "serving_identity_id": SERVING,
    }


@pytest.mark.parametrize("options", [{}, PRIVATE], ids=["dev", "prod"])
def test_the_serving_identity_may_pull_images_read_models_collect_data_and_write_metrics_only(
    options: dict[str, Any],
) -> None:
    """What Microsoft documents for an online endpoint's user-assigned identity: AcrPull on
    the workspace's container registry, Storage Blob Data Contributor on its storage (the model
    files, and the data collector writes production data to workspaceblobstore as the
    endpoint's identity), AzureML Metrics Writer on the workspace. No push, no registry write,
    nothing on the lake."""
    expected = {(ACR_PULL, ACR), (BLOB_DATA_CONTRIBUTOR, STORAGE_ID),
                (METRICS_WRITER, WORKSPACE_ID)}  # fmt: skip
    assert roles_of(training(**options), SERVING_PRINCIPAL) == expected


def test_what_names_the_serving_identity_waits_for_its_roles() -> None:
    """An endpoint created in the same `up` must find its roles in place."""

    def build() -> None:
        component = AzureMlTraining("training", arguments())
        azure_native.managedidentity.UserAssignedIdentity(
            "consumer", resource_group_name=component.serving_identity_id
        )

    graph = run(build)
    serving_grants = {r.urn for r in grants(graph) if r.inputs["principalId"] == SERVING_PRINCIPAL}

    assert len(serving_grants) == 3
    assert serving_grants <= set(graph.named("consumer").dependencies)
    assert outputs()[1]["serving_identity_id"] == SERVING


def test_the_foundation_alone_grants_the_vault_secrets_and_never_to_the_workload() -> None:
    # Azure refuses a second identical assignment (RoleAssignmentExists).
    for options in ({}, PRIVATE, CMK, INSTANCE):
        assert SECRETS_OFFICER not in {role(r) for r in grants(training(**options))}


def test_workspace_and_storage_wait_for_the_foundations_roles_on_the_vault_and_key() -> None:
    def build() -> None:
        base = AzureFoundation("base", AzureFoundationArgs(
            tags=TAGS, location="westeurope", resource_group_name=RESOURCE_GROUP,
            key_vault_prefix="fraud-"))  # fmt: skip
        AzureMlTraining("training", arguments(
            **CMK, identity_id=base.identity_id, key_vault_id=base.key_vault_id,
            workload_identity_id=base.workload_identity_id,
            workload_identity_principal_id=base.workload_identity_principal_id))  # fmt: skip

    graph = run(build)
    foundation_grants = {graph.named(f"base-{n}").urn for n in ("vault-secrets", "key-encryption")}
    workload = graph.named("base-workload", "UserAssignedIdentity")

    assert foundation_grants <= set(graph.named("training-workspace").dependencies)
    assert foundation_grants <= set(graph.named("training-storage").dependencies)
    assert workload.urn in graph.named("training-cluster").dependencies
    assert cluster(graph)["identity"]["userAssignedIdentities"] == [
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
        "Microsoft.managedidentity/UserAssignedIdentity/base-workload"]  # fmt: skip
