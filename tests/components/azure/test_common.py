"""common: which private DNS zones each private-endpoint group id registers in."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pytest

from components.azure.shared.common import (
    PRIVATE_DNS_ZONES,
    ZONES_OF_GROUP,
    private_endpoint,
    zones_of,
)
from opsblocks.preview import Graph
from tests.recording import RESOURCE_GROUP, SUBSCRIPTION, run, strays

GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
TARGET = f"{GROUP_ID}/providers/Microsoft.MachineLearningServices/registries/fraud-a1b2c3"
SUBNET = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/fraud/subnets/private"
ZONES = {group: f"zone-{group}" for group in PRIVATE_DNS_ZONES}
HOLDER = "opsblocks:test:Holder"


def endpoint(group_id: str, zones: Mapping[str, str] = ZONES) -> Graph:
    """The resources `private_endpoint` registers for `group_id`, under a component."""

    def build() -> None:
        holder = pulumi.ComponentResource(HOLDER, "holder")
        private_endpoint("holder-endpoint", target_id=TARGET, group_id=group_id,
                         resource_group_name=RESOURCE_GROUP, location="westeurope",
                         subnet_id=SUBNET, dns_zone_ids=zones, tags={"team": "risk"},
                         parent=holder)  # fmt: skip

    return run(build)


def zone_configs(graph: Graph) -> list[dict[str, str]]:
    found: list[dict[str, str]] = graph.named("holder-endpoint-dns").inputs["privateDnsZoneConfigs"]
    return found


def test_every_zone_a_group_registers_in_is_one_the_foundation_creates() -> None:
    for group_id, zones in ZONES_OF_GROUP.items():
        assert zones, group_id
        assert set(zones) <= set(PRIVATE_DNS_ZONES), group_id


def test_workspaces_use_two_zones_and_ml_registries_the_workspace_api_zone() -> None:
    assert zones_of("amlworkspace") == ("amlworkspace", "notebooks")
    assert zones_of("amlregistry") == ("amlworkspace",)
    assert PRIVATE_DNS_ZONES["amlworkspace"] == "privatelink.api.azureml.ms"


@pytest.mark.parametrize("group_id", ["blob", "dfs", "file", "vault", "registry"])
def test_other_groups_register_in_their_own_zone(group_id: str) -> None:
    assert zones_of(group_id) == (group_id,)
    assert zone_configs(endpoint(group_id)) == [
        {"name": group_id, "privateDnsZoneId": f"zone-{group_id}"}]  # fmt: skip


def test_an_ml_registry_endpoint_registers_in_the_workspace_api_zone_only() -> None:
    graph = endpoint("amlregistry")
    [connection] = graph.named("holder-endpoint", "PrivateEndpoint").inputs[
        "privateLinkServiceConnections"
    ]

    assert (connection["privateLinkServiceId"], connection["groupIds"]) == (
        TARGET, ["amlregistry"])  # fmt: skip
    assert connection["name"] == "holder-endpoint-amlregistry"
    assert zone_configs(graph) == [
        {"name": "amlworkspace", "privateDnsZoneId": "zone-amlworkspace"}
    ]


def test_a_workspace_endpoint_registers_in_the_api_and_notebooks_zones() -> None:
    assert zone_configs(endpoint("amlworkspace")) == [
        {"name": "amlworkspace", "privateDnsZoneId": "zone-amlworkspace"},
        {"name": "notebooks", "privateDnsZoneId": "zone-notebooks"},
    ]


def test_endpoint_and_zone_group_belong_to_the_caller() -> None:
    assert strays(endpoint("amlregistry"), HOLDER) == []


@pytest.mark.parametrize(
    ("group_id", "zones", "missing"),
    [
        ("amlregistry", {"registry": "zone-registry"}, r"\['amlworkspace'\]"),
        ("amlworkspace", {"amlworkspace": "zone-api"}, r"\['notebooks'\]"),
        ("blob", {}, r"\['blob'\]"),
    ],
)
def test_an_endpoint_without_the_zone_it_registers_in_is_refused(
    group_id: str, zones: dict[str, str], missing: str
) -> None:
    with pytest.raises(ValueError, match=f"for '{group_id}' needs dns_zone_ids {missing}"):
        endpoint(group_id, zones)
