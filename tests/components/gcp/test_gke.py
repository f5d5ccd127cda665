"""GcpGkeKubernetes: what it sends for the cluster, its node pools, network and provider."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from components.gcp.gke.component import (
    KUBERNETES_VERSION,
    GcpGkeKubernetes,
    GcpGkeKubernetesArgs,
    kubeconfig,
)
from components.gcp.gke.options import GkeOptions
from opsblocks.preview import Graph, Resource
from tests.recording import PROJECT, PROJECT_NUMBER, args_of, custom, run, strays

KEY = "projects/opsblocks-test/locations/us-central1/keyRings/fraud-keys/cryptoKeys/fraud-key"
NETWORK = "projects/opsblocks-test/global/networks/fraud-vpc"
LABELS = {"team": "risk", "opsblocks-capability": "kubernetes"}
COMPONENT = "opsblocks:index:GcpGkeKubernetes"
POOL = "gcp:container/nodePool:NodePool"
GPU = {"machine_type": "g2-standard-8", "accelerator": "nvidia-l4", "max_nodes": 2}


def gke(**overrides: Any) -> Graph:
    args: dict[str, Any] = {"labels": LABELS, "project": PROJECT, "region": "us-central1",
                            "kms_key_id": KEY, "network_id": NETWORK, "cluster_name": "fraud-dev",
                            "node_account_id": "fraud-gke-nodes"}  # fmt: skip
    args.update(overrides)
    return run(lambda: GcpGkeKubernetes("k8s", args_of(GcpGkeKubernetesArgs, **args)))


def cluster(graph: Graph) -> dict[str, Any]:
    found: dict[str, Any] = graph.named("k8s-cluster").inputs
    return found


def pools(graph: Graph) -> dict[str, Resource]:
    return {r.inputs["name"]: r for r in graph.of_type(POOL)}


# -- API endpoint --------------------------------------------------------------------------------


def test_api_server_is_private_without_public_cidrs() -> None:
    sent = cluster(gke())

    assert sent["privateClusterConfig"]["enablePrivateEndpoint"] is True
    assert sent["privateClusterConfig"]["enablePrivateNodes"] is True
    assert sent["masterAuthorizedNetworksConfig"]["gcpPublicCidrsAccessEnabled"] is False
    assert sent["controlPlaneEndpointsConfig"]["dnsEndpointConfig"]["allowExternalTraffic"] is False


def test_private_endpoint_admits_only_the_platforms_own_ranges() -> None:
    # Authorized networks enforced on the private endpoint too: the foundation's subnet and the
    # cluster's nodes and pods reach it, nothing else in the VPC or peered to it.
    sent = cluster(gke(protect=True, internal_cidrs=["10.10.0.0/20"]))

    authorized = sent["masterAuthorizedNetworksConfig"]
    assert authorized["privateEndpointEnforcementEnabled"] is True
    assert [b["cidrBlock"] for b in authorized["cidrBlocks"]] == [
        "10.10.0.0/20", "10.20.0.0/22", "10.24.0.0/14"]  # fmt: skip


def test_dev_api_server_admits_only_the_listed_cidrs() -> None:
    sent = cluster(gke(public_access_cidrs=["203.0.113.0/24"]))

    assert sent["privateClusterConfig"]["enablePrivateEndpoint"] is False
    blocks = sent["masterAuthorizedNetworksConfig"]["cidrBlocks"]
    assert [b["cidrBlock"] for b in blocks] == ["10.20.0.0/22", "10.24.0.0/14", "203.0.113.0/24"]
    assert sent["masterAuthorizedNetworksConfig"]["gcpPublicCidrsAccessEnabled"] is False


def test_protected_cluster_keeps_a_private_endpoint_even_with_cidrs() -> None:
    # The blueprint refuses public CIDRs in prod; the component holds even if handed some.
    sent = cluster(gke(public_access_cidrs=["203.0.113.0/24"], protect=True))

    assert sent["privateClusterConfig"]["enablePrivateEndpoint"] is True
    blocks = sent["masterAuthorizedNetworksConfig"]["cidrBlocks"]
    assert "203.0.113.0/24" not in [b["cidrBlock"] for b in blocks]


def test_options_refuse_public_cidrs_in_prod_and_the_whole_internet_anywhere() -> None:
    options = GkeOptions(public_access_cidrs=["203.0.113.0/24"])

    problem = options.environment_problem("prod")
    assert problem is not None and problem[0] == "public_access_cidrs"
    assert options.environment_problem("dev") is None
    with pytest.raises(ValidationError, match="whole internet"):
        GkeOptions(public_access_cidrs=["0.0.0.0/0"])


def test_options_refuse_overlapping_ranges_and_min_above_max() -> None:
    with pytest.raises(ValidationError, match="overlaps"):
        GkeOptions(pod_range="10.20.0.0/16")
    with pytest.raises(ValidationError, match="more than"):
        GkeOptions(workload_min_nodes=5, workload_max_nodes=2)
    with pytest.raises(ValidationError, match="private IPv4"):
        GkeOptions(node_range="8.8.8.0/24")


def test_range_options_warn_of_the_private_services_access_range() -> None:
    # Google picks the foundation's peering /16: a fixed range may collide with it.
    for name in ("node_range", "pod_range", "service_range"):
        description = GkeOptions.model_fields[name].description or ""
        assert "Private Services Access" in description, name
        assert "10.10.0.0/20" in description, name


def test_no_client_certificate_and_no_legacy_abac() -> None:
    sent = cluster(gke())

    assert sent["masterAuth"]["clientCertificateConfig"]["issueClientCertificate"] is False
    assert sent["enableLegacyAbac"] is False


# -- secrets encryption --------------------------------------------------------------------------


def test_secrets_are_encrypted_with_the_platform_key() -> None:
    assert cluster(gke())["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": KEY}


def test_gke_agent_may_use_the_key_before_the_cluster_exists() -> None:
    graph = gke()

    grant = graph.named("k8s-key-container")
    assert grant.inputs["cryptoKeyId"] == KEY
    assert grant.inputs["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant.inputs["member"] == (
        f"serviceAccount:service-{PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com"
    )
    assert grant.urn in graph.named("k8s-cluster").dependencies


# -- workload identity ---------------------------------------------------------------------------


def test_workload_identity_pool_is_the_projects() -> None:
    sent = cluster(gke())

    assert sent["workloadIdentityConfig"] == {"workloadPool": f"{PROJECT}.svc.id.goog"}


def test_every_pool_hides_the_node_metadata_from_pods() -> None:
    graph = gke(gpu=GPU)

    assert set(pools(graph)) == {"system", "workload", "gpu"}
    for name, pool in pools(graph).items():
        mode = pool.inputs["nodeConfig"]["workloadMetadataConfig"]["mode"]
        assert mode == "GKE_METADATA", name
    assert cluster(graph)["nodeConfig"]["workloadMetadataConfig"]["mode"] == "GKE_METADATA"


# -- network -------------------------------------------------------------------------------------


def test_nodes_run_in_a_private_subnet_of_the_platform_network() -> None:
    graph = gke()
    subnet = graph.named("k8s-nodes", "Subnetwork").inputs

    assert subnet["network"] == NETWORK
    assert subnet["privateIpGoogleAccess"] is True
    assert subnet["logConfig"]["metadata"] == "INCLUDE_ALL_METADATA"
    assert {r["rangeName"]: r["ipCidrRange"] for r in subnet["secondaryIpRanges"]} == {
        "pods": "10.24.0.0/14", "services": "10.20.16.0/20"}  # fmt: skip
    sent = cluster(graph)
    assert sent["network"] == NETWORK
    assert sent["ipAllocationPolicy"] == {"clusterSecondaryRangeName": "pods",
                                          "servicesSecondaryRangeName": "services"}  # fmt: skip
    for name, pool in pools(graph).items():
        assert pool.inputs["networkConfig"]["enablePrivateNodes"] is True, name


def test_nat_lets_private_nodes_out_of_their_subnet_only_and_can_be_left_out() -> None:
    graph = gke()
    nat = graph.named("k8s-nat").inputs

    assert nat["sourceSubnetworkIpRangesToNat"] == "LIST_OF_SUBNETWORKS"
    assert [s["sourceIpRangesToNats"] for s in nat["subnetworks"]] == [["ALL_IP_RANGES"]]
    assert nat["logConfig"] == {"enable": True, "filter": "ERRORS_ONLY"}
    types = {r.type for r in custom(gke(internet_egress=False))}
    assert "gcp:compute/routerNat:RouterNat" not in types
    assert "gcp:compute/router:Router" not in types


def test_network_policies_are_enforced_by_dataplane_v2() -> None:
    assert cluster(gke())["datapathProvider"] == "ADVANCED_DATAPATH"


# -- node pools ----------------------------------------------------------------------------------


def test_system_pool_has_fixed_nodes_and_workload_pool_autoscales_between_the_options() -> None:
    found = pools(gke(system_nodes_per_zone=2, workload_min_nodes=2, workload_max_nodes=9))

    assert found["system"].inputs["nodeCount"] == 2
    assert "autoscaling" not in found["system"].inputs
    scaling = found["workload"].inputs["autoscaling"]
    assert (scaling["totalMinNodeCount"], scaling["totalMaxNodeCount"]) == (2, 9)
    assert cluster(gke())["removeDefaultNodePool"] is True


def test_gpu_pool_is_optional_tainted_and_scales_from_zero() -> None:
    assert set(pools(gke())) == {"system", "workload"}
    gpu = pools(gke(gpu=GPU))["gpu"].inputs

    assert gpu["nodeConfig"]["taints"] == [
        {"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]  # fmt: skip
    assert gpu["nodeConfig"]["machineType"] == "g2-standard-8"
    assert gpu["nodeConfig"]["guestAccelerators"][0]["type"] == "nvidia-l4"
    assert (gpu["autoscaling"]["totalMinNodeCount"], gpu["autoscaling"]["totalMaxNodeCount"]) == (
        0, 2)  # fmt: skip
    assert gpu["initialNodeCount"] == 0


def test_nodes_boot_from_shielded_disks_encrypted_with_the_platform_key() -> None:
    for name, pool in pools(gke(gpu=GPU)).items():
        config = pool.inputs["nodeConfig"]
        assert config["bootDiskKmsKey"] == KEY, name
        shielded = {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
        assert config["shieldedInstanceConfig"] == shielded, name
        assert config["metadata"] == {"disable-legacy-endpoints": "true"}, name
        assert config["resourceLabels"] == LABELS, name


def test_nodes_run_as_their_own_account_with_only_the_node_role() -> None:
    graph = gke(gpu=GPU)
    account = graph.named("k8s-nodes", "Account").inputs

    assert account["accountId"] == "fraud-gke-nodes"
    email = f"k8s-nodes@{PROJECT}.iam.gserviceaccount.com"
    for name, pool in pools(graph).items():
        assert pool.inputs["nodeConfig"]["serviceAccount"] == email, name
    roles = [r.inputs["role"] for r in graph.of_type("gcp:projects/iAMMember:IAMMember")]
    assert roles == ["roles/container.defaultNodeServiceAccount"]
    assert cluster(graph)["nodeConfig"]["serviceAccount"] == email


# -- logs, version, protection, labels -----------------------------------------------------------


def test_control_plane_logs_and_metrics_are_kept() -> None:
    sent = cluster(gke())

    assert {"SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"} <= set(
        sent["loggingConfig"]["enableComponents"])  # fmt: skip
    assert "APISERVER" in sent["monitoringConfig"]["enableComponents"]


def test_version_is_pinned_as_a_minimum_in_the_regular_channel() -> None:
    sent = cluster(gke())

    assert sent["minMasterVersion"] == KUBERNETES_VERSION
    assert sent["releaseChannel"] == {"channel": "REGULAR"}
    assert sent["maintenancePolicy"]["recurringWindow"]["recurrence"] == "FREQ=WEEKLY;BYDAY=SA,SU"
    for name, pool in pools(gke()).items():
        assert pool.inputs["management"] == {"autoRepair": True, "autoUpgrade": True}, name


def test_cluster_is_protected_retained_and_undeletable_only_when_asked() -> None:
    kept = gke(protect=True).named("k8s-cluster")
    assert (kept.protect, kept.retain_on_delete, kept.inputs["deletionProtection"]) == (
        True, True, True)  # fmt: skip

    graph = gke()
    assert cluster(graph)["deletionProtection"] is False
    assert not [r.name for r in graph.resources if r.protect or r.retain_on_delete]


def test_cluster_carries_the_labels_and_its_explicit_name() -> None:
    sent = cluster(gke())

    assert sent["resourceLabels"] == LABELS
    assert sent["name"] == "fraud-dev"
    assert sent["location"] == "us-central1"


def test_every_resource_belongs_to_the_component_in_the_platform_project() -> None:
    graph = gke(gpu=GPU)

    assert not strays(graph, COMPONENT)
    projects = {r.name: r.inputs.get("project") for r in custom(graph)
                if r.type.startswith("gcp:") and "cryptoKey" not in r.type}  # fmt: skip
    assert set(projects.values()) == {PROJECT}


# -- the Kubernetes provider ---------------------------------------------------------------------


def test_provider_waits_for_the_pools_and_takes_the_clusters_kubeconfig() -> None:
    graph = gke()
    [provider] = graph.of_type("pulumi:providers:kubernetes")

    assert provider.name == "k8s-kubernetes"
    assert provider.parent == graph.of_type(COMPONENT)[0].urn
    # Built from the cluster's endpoint and certificate: known after up.
    assert provider.inputs["kubeconfig"] == "(known after up)"
    assert {p.urn for p in pools(graph).values()} <= set(provider.dependencies)


def test_kubeconfig_signs_in_with_the_gke_auth_plugin_and_holds_no_token() -> None:
    config = json.loads(kubeconfig("fraud-dev", "10.0.0.2", "Q0E="))

    [entry] = config["clusters"]
    assert entry["cluster"] == {"server": "https://10.0.0.2", "certificate-authority-data": "Q0E="}
    [user] = config["users"]
    assert user["user"]["exec"]["command"] == "gke-gcloud-auth-plugin"
    assert user["user"]["exec"]["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert set(user["user"]) == {"exec"}
    assert config["current-context"] == "fraud-dev"
