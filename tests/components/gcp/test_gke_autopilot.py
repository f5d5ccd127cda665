"""GcpGkeKubernetes with `autopilot`: what it sends instead of node pools, what it keeps from
Standard, the options it refuses, how the rules and the price book read it (both ways)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from components.gcp.gke.nodes import SCOPES
from components.gcp.gke.options import STANDARD_ONLY, GkeOptions
from opsblocks import blueprint
from opsblocks.blueprint import Usage
from opsblocks.check.recorded import stack_of
from opsblocks.check.registry import rules
from opsblocks.cost.book import load_book
from opsblocks.cost.estimate import Context
from opsblocks.cost.gcp import gke_cluster
from opsblocks.cost.model import Kind
from opsblocks.preview import Graph
from tests.components.gcp.test_gke import KEY, LABELS, POOL, cluster, gke
from tests.recording import PROJECT, custom

CLUSTER = "gcp:container/cluster:Cluster"
REFUSED_BY_AUTOPILOT = ("nodeConfig", "removeDefaultNodePool", "initialNodeCount",
                       "enableShieldedNodes", "datapathProvider", "nodePools")  # fmt: skip
EMAIL = f"k8s-nodes@{PROJECT}.iam.gserviceaccount.com"
STANDARD_VALUES: dict[str, Any] = {
    "system_machine_type": "e2-standard-2",
    "system_nodes_per_zone": 2,
    "workload_machine_type": "e2-standard-16",
    "workload_min_nodes": 0,
    "workload_max_nodes": 3,
    "gpu": {"max_nodes": 1},
    "disk_size_gb": 50,
}
MINIMAL = Path(__file__).parents[3] / "blueprints" / "gcp-minimal.yaml"


def autopilot(**overrides: Any) -> Graph:
    return gke(autopilot=True, **overrides)


# -- the cluster ---------------------------------------------------------------------------------


def test_autopilot_cluster_has_no_node_pools_and_sends_nothing_autopilot_refuses() -> None:
    graph = autopilot()
    sent = cluster(graph)

    assert sent["enableAutopilot"] is True
    assert graph.of_type(POOL) == []
    assert [k for k in REFUSED_BY_AUTOPILOT if k in sent] == []


def test_standard_cluster_is_not_autopilot_and_keeps_its_pools() -> None:
    graph = gke()
    sent = cluster(graph)

    assert "enableAutopilot" not in sent
    assert sorted(r.inputs["name"] for r in graph.of_type(POOL)) == ["system", "workload"]
    assert sent["removeDefaultNodePool"] is True
    assert sent["enableShieldedNodes"] is True
    assert sent["datapathProvider"] == "ADVANCED_DATAPATH"
    assert "clusterAutoscaling" not in sent


def test_autopilot_nodes_run_as_their_own_account_on_disks_under_the_platform_key() -> None:
    graph = autopilot()
    defaults = cluster(graph)["clusterAutoscaling"]["autoProvisioningDefaults"]

    assert defaults == {"serviceAccount": EMAIL, "oauthScopes": SCOPES, "bootDiskKmsKey": KEY}
    roles = [r.inputs["role"] for r in graph.of_type("gcp:projects/iAMMember:IAMMember")]
    assert roles == ["roles/container.defaultNodeServiceAccount"]


@pytest.mark.parametrize("mode", [{}, {"autopilot": True}], ids=["standard", "autopilot"])
def test_both_modes_keep_the_endpoint_secrets_identity_network_logs_and_version(
    mode: dict[str, Any],
) -> None:
    sent = cluster(gke(protect=True, internal_cidrs=["10.10.0.0/20"], **mode))

    assert sent["privateClusterConfig"] == {"enablePrivateNodes": True,
                                            "enablePrivateEndpoint": True}  # fmt: skip
    authorized = sent["masterAuthorizedNetworksConfig"]
    assert authorized["privateEndpointEnforcementEnabled"] is True
    assert authorized["gcpPublicCidrsAccessEnabled"] is False
    assert [b["cidrBlock"] for b in authorized["cidrBlocks"]] == [
        "10.10.0.0/20", "10.20.0.0/22", "10.24.0.0/14"]  # fmt: skip
    assert sent["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": KEY}
    assert sent["workloadIdentityConfig"] == {"workloadPool": f"{PROJECT}.svc.id.goog"}
    assert sent["ipAllocationPolicy"]["clusterSecondaryRangeName"] == "pods"
    assert sent["releaseChannel"] == {"channel": "REGULAR"}
    assert {"SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"} <= set(
        sent["loggingConfig"]["enableComponents"]
    )
    assert sent["resourceLabels"] == LABELS
    assert sent["enableLegacyAbac"] is False


def test_autopilot_keeps_its_subnet_and_nat_and_can_leave_nat_out() -> None:
    types = {r.type for r in custom(autopilot())}
    assert {"gcp:compute/subnetwork:Subnetwork", "gcp:compute/routerNat:RouterNat"} <= types
    types = {r.type for r in custom(autopilot(internet_egress=False))}
    assert "gcp:compute/routerNat:RouterNat" not in types


def test_autopilot_cluster_is_protected_and_undeletable_only_in_prod() -> None:
    kept = autopilot(protect=True).named("k8s-cluster")
    assert (kept.protect, kept.retain_on_delete, kept.inputs["deletionProtection"]) == (
        True, True, True)  # fmt: skip
    loose = autopilot().named("k8s-cluster")
    assert (loose.protect, loose.retain_on_delete, loose.inputs["deletionProtection"]) == (
        False, False, False)  # fmt: skip


# -- options -------------------------------------------------------------------------------------


def test_autopilot_is_off_by_default() -> None:
    assert GkeOptions().autopilot is False


@pytest.mark.parametrize("name", STANDARD_ONLY)
def test_autopilot_refuses_each_node_pool_option_in_one_line_naming_it(name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        GkeOptions.model_validate({"autopilot": True, name: STANDARD_VALUES[name]})

    [error] = raised.value.errors()
    message = str(error["msg"])
    assert f"remove {name}" in message
    assert "Autopilot" in message
    assert "\n" not in message
    # The same value is fine on a Standard cluster.
    GkeOptions.model_validate({name: STANDARD_VALUES[name]})


def test_autopilot_accepts_the_options_it_shares_with_standard() -> None:
    options = GkeOptions.model_validate({
        "autopilot": True, "internet_egress": False, "node_range": "10.30.0.0/22",
        "pod_range": "10.32.0.0/14", "service_range": "10.30.16.0/20",
    })  # fmt: skip
    assert options.autopilot is True


# -- rules and price -----------------------------------------------------------------------------


@pytest.mark.parametrize("protect", [False, True], ids=["dev", "prod"])
@pytest.mark.parametrize("mode", [{}, {"autopilot": True}], ids=["standard", "autopilot"])
def test_every_gke_rule_holds_on_the_cluster(mode: dict[str, Any], protect: bool) -> None:
    stack = stack_of(gke(protect=protect, **mode))
    gke_rules = [r for r in rules() if r.id.startswith("OB-GCP-GKE-")]

    assert len(gke_rules) == 5
    flagged = [f"{r.id}: {f.message}" for r in gke_rules for f in r.check(stack)]
    assert flagged == []


def _priced(graph: Graph) -> list[tuple[str, Kind, Decimal | None, bool]]:
    context = Context(book=load_book("gcp"), region="us-central1", usage=Usage(),
                      blueprint=blueprint.load(MINIMAL), graph=graph, capabilities={})  # fmt: skip
    [found] = graph.of_type(CLUSTER)
    return [(line.name, line.kind, line.quantity, line.estimate)
            for line in gke_cluster(found, context)]  # fmt: skip


def test_an_autopilot_cluster_pays_the_same_fee_and_its_pods_by_their_requests() -> None:
    fee = ("Cluster management fee", Kind.hourly, Decimal(730), False)

    assert _priced(gke()) == [fee]
    assert _priced(autopilot()) == [
        fee,
        ("Autopilot pods: vCPU requested", Kind.usage, None, True),
        ("Autopilot pods: memory requested", Kind.usage, None, True),
    ]
    book = load_book("gcp")
    assert book.price("gke-autopilot", "vcpu", "us-central1").usd == Decimal("0.0445")


def test_autopilot_takes_the_node_pool_options_at_their_defaults() -> None:
    # `opsblocks new` writes every option, defaults included: those are no choice to refuse.
    defaults = GkeOptions().model_dump(mode="json")
    assert GkeOptions.model_validate({**defaults, "autopilot": True}).autopilot is True
