"""What an AKS cluster costs besides its tier and nodes, from the price book's estimates
(eastus: P10 OS disk $19.71 a month, Standard Load Balancer $0.025 and Standard public IP $0.005
per hour, private endpoint $0.01 per hour; 730 hours a month)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from opsblocks import blueprint
from opsblocks.cost.estimate import estimate
from opsblocks.cost.model import Line, ResourceCost
from opsblocks.preview import Graph, Resource

MINIMAL = Path(__file__).parents[3] / "blueprints" / "azure-minimal.yaml"
CLUSTER = "azure-native:containerservice:ManagedCluster"
POOL = "azure-native:containerservice:AgentPool"
SYSTEM = {"name": "system", "vmSize": "Standard_D4s_v3", "count": 3}


def priced(type_token: str, inputs: dict[str, Any]) -> ResourceCost:
    resource = Resource(urn=f"urn:pulumi:test::opsblocks::{type_token}::r", type=type_token,
                        name="r", parent=None, custom=True, inputs=inputs, protect=False,
                        retain_on_delete=False, dependencies=[], provider=None)  # fmt: skip
    costed = estimate(blueprint.load(MINIMAL), Graph(resources=[resource]),
                      price_region="eastus")  # fmt: skip
    [found] = costed.resources
    return found


def lines(resource: ResourceCost) -> dict[str, Line]:
    return {line.name.split(" (")[0]: line for line in resource.lines}


def test_a_private_kms_cluster_bills_os_disks_outbound_path_and_kms_endpoint() -> None:
    cluster = lines(priced(CLUSTER, {
        "sku": {"tier": "Standard"}, "agentPoolProfiles": [SYSTEM],
        "networkProfile": {"outboundType": "loadBalancer"},
        "securityProfile": {"azureKeyVaultKms": {"enabled": True,
                                                 "keyVaultNetworkAccess": "Private"}},
    }))  # fmt: skip

    assert cluster["OS disks of system"].monthly_cost == Decimal("59.13")  # 3 x 19.71
    assert cluster["Outbound load balancer"].monthly_cost == Decimal("18.25")  # 0.025 x 730
    assert cluster["Outbound public IP"].monthly_cost == Decimal("3.65")  # 0.005 x 730
    assert cluster["Private endpoint to the KMS key vault"].monthly_cost == Decimal("7.30")
    extra = ("OS disks of system", "Outbound load balancer", "Outbound public IP",
             "Private endpoint to the KMS key vault")  # fmt: skip
    assert all(cluster[name].estimate for name in extra)


def test_without_those_features_none_of_them_is_billed() -> None:
    cluster = lines(priced(CLUSTER, {"sku": {"tier": "Free"}, "agentPoolProfiles": []}))

    assert set(cluster) == {"Cluster management"}


def test_an_autoscaling_pool_bills_the_os_disks_of_its_minimum() -> None:
    settings = {"agentPoolName": "workload", "vmSize": "Standard_D4s_v3",
                "enableAutoScaling": True, "minCount": 2, "maxCount": 5}  # fmt: skip
    pool = lines(priced(POOL, settings))

    assert pool["OS disks of workload"].monthly_cost == Decimal("39.42")  # 2 x 19.71
