"""AzureAksKubernetes: the AKS cluster, its network, pools, encryption, identity, logs and the
Kubernetes provider that reaches it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from pydantic import ValidationError

from components.azure.aks.component import (
    KUBERNETES_VERSION,
    ROLES,
    AzureAksKubernetes,
    AzureAksKubernetesArgs,
)
from components.azure.aks.kubeconfig import AKS_SERVER_ID, from_user_credentials
from components.azure.aks.network import ranges
from components.azure.aks.options import AksOptions
from opsblocks.preview import Graph, Resource
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    args_of,
    custom,
    is_taggable,
    resolved,
    run,
    strays,
)

TAGS = {"team": "risk", "opsblocks:capability": "kubernetes"}
COMPONENT = "opsblocks:index:AzureAksKubernetes"
GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
VAULT_ID = f"{GROUP_ID}/providers/Microsoft.KeyVault/vaults/fraud-a1b2c3"
VNET_ID = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/fraud-vnet"
ENDPOINTS = f"{VNET_ID}/subnets/private-endpoints"
WORKSPACE = f"{GROUP_ID}/providers/Microsoft.OperationalInsights/workspaces/fraud-logs"
CLUSTER = "azure-native:containerservice:ManagedCluster"
POOL = "azure-native:containerservice:AgentPool"
GRANT = "azure-native:authorization:RoleAssignment"
SUBNET = "azure-native:network:Subnet"
OUTPUTS = ("cluster_name", "oidc_issuer_url", "vnet_id", "subnet_id")
PROD: dict[str, Any] = {"vnet_id": VNET_ID, "endpoint_subnet_id": ENDPOINTS,
                        "private_api": True, "protect": True}  # fmt: skip


def arguments(**overrides: Any) -> AzureAksKubernetesArgs:
    args: dict[str, Any] = {
        "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "location": "eastus",
        "cluster_name": "fraud-prod-aks", "tenant_id": "tenant", "key_vault_id": VAULT_ID,
        "key_name": "platform-cmk", "log_workspace_id": WORKSPACE, "private_api": False,
    }  # fmt: skip
    return args_of(AzureAksKubernetesArgs, **args | overrides)


def aks(**overrides: Any) -> Graph:
    return run(lambda: AzureAksKubernetes("k8s", arguments(**overrides)))


def cluster(graph: Graph) -> Resource:
    [found] = graph.of_type(CLUSTER)
    return found


def api(graph: Graph) -> dict[str, Any]:
    profile: dict[str, Any] = cluster(graph).inputs["apiServerAccessProfile"]
    return profile


def pools(graph: Graph) -> dict[str, dict[str, Any]]:
    """Every node pool's settings by name: the system pool declared with the cluster, and the
    agent pools."""
    found = {p["name"]: p for p in cluster(graph).inputs["agentPoolProfiles"]}
    return found | {p.inputs["agentPoolName"]: p.inputs for p in graph.of_type(POOL)}


def grants(graph: Graph) -> dict[str, Resource]:
    return {g.inputs["description"].removeprefix("opsblocks: "): g for g in graph.of_type(GRANT)}


def role(guid_of: str) -> str:
    return (
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/"
        + (ROLES[guid_of])
    )


# -- API server ---------------------------------------------------------------------------------


def test_prod_api_server_is_private_in_the_vnet_with_run_command_off() -> None:
    profile = api(aks(**PROD))
    assert profile["enablePrivateCluster"] is True
    assert profile["enableVnetIntegration"] is True
    assert "authorizedIPRanges" not in profile
    assert profile["disableRunCommand"] is True


def test_prod_api_server_stays_private_even_with_public_ranges() -> None:
    profile = api(aks(**PROD, public_access_cidrs=["203.0.113.0/24"]))
    assert profile["enablePrivateCluster"] is True
    assert "authorizedIPRanges" not in profile


def test_dev_api_server_is_public_only_for_the_listed_ranges() -> None:
    profile = api(aks(public_access_cidrs=["203.0.113.0/24"]))
    assert profile["enablePrivateCluster"] is False
    assert profile["authorizedIPRanges"] == ["203.0.113.0/24"]


def test_dev_api_server_without_ranges_is_private() -> None:
    assert api(aks())["enablePrivateCluster"] is True


def test_options_refuse_public_ranges_in_prod_and_the_whole_internet() -> None:
    problem = AksOptions(public_access_cidrs=["203.0.113.0/24"]).environment_problem("prod")
    assert problem is not None and problem[0] == "public_access_cidrs"
    assert AksOptions(public_access_cidrs=["203.0.113.0/24"]).environment_problem("dev") is None
    with pytest.raises(ValidationError, match="whole internet"):
        AksOptions(public_access_cidrs=["0.0.0.0/0"])
    with pytest.raises(ValidationError, match="not an IPv4 range"):
        AksOptions(public_access_cidrs=["office"])
    with pytest.raises(ValidationError, match="min_nodes"):
        AksOptions(min_nodes=4, max_nodes=2)


# -- sign-in, secrets, workload identity -------------------------------------------------------


def test_entra_id_and_azure_rbac_only_no_local_accounts() -> None:
    inputs = cluster(aks()).inputs
    assert inputs["aadProfile"] == {"managed": True, "enableAzureRBAC": True, "tenantID": "tenant"}
    assert inputs["disableLocalAccounts"] is True
    assert inputs["enableRBAC"] is True


def test_secrets_are_encrypted_with_the_newest_version_of_the_platform_key_privately() -> None:
    kms = cluster(aks()).inputs["securityProfile"]
    assert kms["azureKeyVaultKms"] == {
        "enabled": True,
        "keyId": "https://fraud-a1b2c3.vault.azure.net/keys/platform-cmk/0a1b2c3d",
        "keyVaultNetworkAccess": "Private",
        "keyVaultResourceId": VAULT_ID,
    }


def test_the_control_plane_identity_holds_the_key_and_network_roles_before_the_cluster() -> None:
    graph = aks(**PROD)
    found = grants(graph)
    [identity] = graph.of_type("azure-native:managedidentity:UserAssignedIdentity")
    key = found["Key Vault Crypto User"]
    assert key.inputs["scope"] == f"{VAULT_ID}/keys/platform-cmk"
    assert key.inputs["roleDefinitionId"] == role("Key Vault Crypto User")
    assert found["Key Vault Contributor"].inputs["scope"] == VAULT_ID
    networks = [g for g in graph.of_type(GRANT) if g.inputs["roleDefinitionId"]
                == role("Network Contributor")]  # fmt: skip
    subnets = {s.inputs["subnetName"]: s.urn for s in graph.of_type(SUBNET)}
    assert sorted(g.inputs["scope"].rsplit("/", 1)[-1] for g in networks) == sorted(
        f"k8s-{role}" for role in ("nodes", "api-server")
    )
    assert set(subnets) == {"aks-nodes", "aks-api-server"}
    for grant in (key, found["Key Vault Contributor"], *networks):
        assert grant.inputs["principalType"] == "ServicePrincipal"
        assert grant.urn in cluster(graph).dependencies
    assert cluster(graph).inputs["identity"]["type"] == "UserAssigned"
    assert identity.urn in cluster(graph).dependencies


def test_workload_identity_and_its_oidc_issuer_are_on() -> None:
    inputs = cluster(aks()).inputs
    assert inputs["oidcIssuerProfile"] == {"enabled": True}
    assert inputs["securityProfile"]["workloadIdentity"] == {"enabled": True}


def test_the_deployer_is_cluster_admin_of_this_cluster_only() -> None:
    graph = aks()
    admin = grants(graph)["Azure Kubernetes Service RBAC Cluster Admin"]
    assert admin.inputs["scope"].endswith("/ManagedCluster/k8s-cluster")
    assert admin.inputs["principalId"] == "deployer-object-id"
    assert admin.inputs["principalType"] == "User"
    ci = grants(aks(deployer_type="ServicePrincipal"))
    assert ci["Azure Kubernetes Service RBAC Cluster Admin"].inputs["principalType"] == (
        "ServicePrincipal"
    )


# -- nodes and network --------------------------------------------------------------------------


def test_prod_nodes_get_a_subnet_of_the_platform_vnet_and_no_vnet_of_their_own() -> None:
    graph = aks(**PROD)
    assert not graph.of_type("azure-native:network:VirtualNetwork")
    subnets = {s.inputs["subnetName"]: s for s in graph.of_type(SUBNET)}
    nodes, api_server = subnets["aks-nodes"], subnets["aks-api-server"]
    assert nodes.inputs["virtualNetworkName"] == "fraud-vnet"
    assert nodes.inputs["addressPrefix"] == "10.20.4.0/22"
    assert nodes.inputs["defaultOutboundAccess"] is False
    assert "networkSecurityGroup" in nodes.inputs
    # One subnet operation at a time on a VNet: the API server's subnet waits for the nodes'.
    assert nodes.urn in api_server.dependencies
    assert api_server.inputs["addressPrefix"] == "10.20.8.0/28"
    assert api_server.inputs["delegations"] == [
        {"name": "aks", "serviceName": "Microsoft.ContainerService/managedClusters"}
    ]


def test_dev_cluster_has_a_vnet_of_its_own_with_a_private_endpoint_subnet() -> None:
    graph = aks()
    [vnet] = graph.of_type("azure-native:network:VirtualNetwork")
    assert vnet.inputs["addressSpace"] == {"addressPrefixes": ["10.20.0.0/16"]}
    subnets = {s.inputs["subnetName"]: s for s in graph.of_type(SUBNET)}
    assert set(subnets) == {"private-endpoints", "aks-nodes", "aks-api-server"}
    assert subnets["private-endpoints"].urn in subnets["aks-nodes"].dependencies


def test_outputs_name_the_issuer_the_vnet_and_the_subnet_for_private_endpoints() -> None:
    _, prod = resolved(lambda: AzureAksKubernetes("k8s", arguments(**PROD)), OUTPUTS)
    assert prod["vnet_id"] == VNET_ID
    assert prod["subnet_id"] == ENDPOINTS
    assert prod["cluster_name"] == "fraud-prod-aks"
    _, dev = resolved(lambda: AzureAksKubernetes("k8s", arguments()), OUTPUTS)
    assert dev["subnet_id"].endswith("/k8s-endpoints")


def test_ranges_are_refused_for_a_vnet_too_small() -> None:
    assert ranges("10.20.0.0/16").nodes == "10.20.4.0/22"
    with pytest.raises(ValueError, match="/20 or larger"):
        ranges("10.20.0.0/23")


def test_pools_system_workload_and_gpu_are_private_encrypted_and_pinned() -> None:
    found = pools(aks(**PROD, vm_size="Standard_D8s_v3", min_nodes=2, max_nodes=5,
                      gpu={"max_nodes": 2}))  # fmt: skip
    assert set(found) == {"system", "workload", "gpu"}
    system, workload, gpu = found["system"], found["workload"], found["gpu"]
    assert (system["mode"], system["count"]) == ("System", 3)
    assert system["nodeTaints"] == ["CriticalAddonsOnly=true:NoSchedule"]
    assert (workload["mode"], workload["vmSize"]) == ("User", "Standard_D8s_v3")
    assert (workload["enableAutoScaling"], workload["minCount"], workload["maxCount"]) == (
        True, 2, 5)  # fmt: skip
    assert gpu["nodeTaints"] == ["nvidia.com/gpu=present:NoSchedule"]
    assert (gpu["vmSize"], gpu["minCount"], gpu["maxCount"]) == ("Standard_NC4as_T4_v3", 0, 2)
    for pool in found.values():
        assert pool["enableEncryptionAtHost"] is True
        assert pool["enableNodePublicIP"] is False
        assert pool["orchestratorVersion"] == KUBERNETES_VERSION
        assert pool["vnetSubnetID"].endswith("/k8s-nodes")
        assert pool["osSKU"] == "AzureLinux"


def test_no_gpu_pool_unless_asked_and_one_system_node_outside_prod() -> None:
    found = pools(aks())
    assert set(found) == {"system", "workload"}
    assert found["system"]["count"] == 1


def test_the_autoscaler_owns_the_node_count() -> None:
    for pool in aks(gpu={"max_nodes": 1}).of_type(POOL):
        assert pool.ignore_changes == ["count"]


def test_version_is_pinned_and_patches_follow_automatically() -> None:
    inputs = cluster(aks()).inputs
    assert inputs["kubernetesVersion"] == KUBERNETES_VERSION
    assert inputs["autoUpgradeProfile"] == {"upgradeChannel": "patch",
                                            "nodeOSUpgradeChannel": "NodeImage"}  # fmt: skip


def test_network_policies_are_enforced_by_cilium_on_an_overlay() -> None:
    network = cluster(aks()).inputs["networkProfile"]
    assert (network["networkPolicy"], network["networkDataplane"]) == ("cilium", "cilium")
    assert (network["networkPlugin"], network["networkPluginMode"]) == ("azure", "overlay")


def test_control_plane_and_audit_logs_go_to_the_platform_workspace() -> None:
    graph = aks()
    [setting] = graph.of_type("azure-native:monitor:DiagnosticSetting")
    assert setting.inputs["workspaceId"] == WORKSPACE
    assert setting.inputs["resourceUri"].endswith("/ManagedCluster/k8s-cluster")
    categories = {log["category"] for log in setting.inputs["logs"] if log["enabled"]}
    assert {"kube-apiserver", "kube-audit-admin", "guard"} <= categories


# -- protection, tier, tags ---------------------------------------------------------------------


def test_prod_cluster_is_protected_retained_and_on_the_standard_tier() -> None:
    prod, dev = cluster(aks(**PROD)), cluster(aks())
    assert (prod.protect, prod.retain_on_delete, prod.inputs["sku"]["tier"]) == (
        True, True, "Standard")  # fmt: skip
    assert (dev.protect, dev.retain_on_delete, dev.inputs["sku"]["tier"]) == (False, False, "Free")


def test_every_taggable_resource_is_tagged_and_under_the_component() -> None:
    graph = aks(gpu={"max_nodes": 1})
    taggable = [r for r in custom(graph) if is_taggable(r.type)]
    assert {CLUSTER, POOL, "azure-native:network:VirtualNetwork"} <= {r.type for r in taggable}
    for resource in taggable:
        assert resource.inputs["tags"] == TAGS, resource.name
    assert cluster(graph).inputs["agentPoolProfiles"][0]["tags"] == TAGS
    assert strays(graph, COMPONENT) == []


# -- the Kubernetes provider --------------------------------------------------------------------


def test_the_provider_signs_in_with_kubelogin_and_holds_no_token() -> None:
    graph = aks()
    [provider] = [r for r in graph.resources if r.type == "pulumi:providers:kubernetes"]
    assert provider.name == "k8s-kubernetes"
    assert provider.parent == cluster(graph).parent
    config = json.loads(provider.inputs["kubeconfig"])
    [user] = config["users"]
    assert user["user"]["exec"]["command"] == "kubelogin"
    assert user["user"]["exec"]["args"] == ["get-token", "--login", "azurecli", "--server-id",
                                            AKS_SERVER_ID]  # fmt: skip
    assert "token" not in user["user"] and "client-key-data" not in user["user"]
    [entry] = config["clusters"]
    assert entry["cluster"]["server"].endswith(".azmk8s.io:443")
    assert entry["cluster"]["certificate-authority-data"] == "Q0EtREFUQQ=="


def test_user_credentials_without_a_server_are_refused() -> None:
    encoded = base64.b64encode(b"apiVersion: v1\nclusters: []\n").decode()
    with pytest.raises(ValueError, match="no server or certificate"):
        from_user_credentials("fraud", encoded)


def test_the_provider_waits_for_the_deployers_grant_to_propagate() -> None:
    graph = aks()
    admin = grants(graph)["Azure Kubernetes Service RBAC Cluster Admin"]
    [wait] = graph.of_type("time:index/sleep:Sleep")
    [provider] = [r for r in graph.resources if r.type == "pulumi:providers:kubernetes"]

    assert wait.inputs["createDuration"] == "5m"  # "up to five minutes" (AKS docs)
    assert admin.urn in wait.dependencies
    assert wait.urn in provider.dependencies
    assert wait.parent == provider.parent == cluster(graph).parent
