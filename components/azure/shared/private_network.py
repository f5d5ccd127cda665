"""The foundation's private network (prod): a VNet with a private-endpoint subnet behind an NSG,
a private DNS zone per service (`common.PRIVATE_DNS_ZONES`) linked to it, and the vault's
private endpoint. Compute needs no subnet here: it lives in the workspace's managed network.
CI/CD agents do: the Azure DevOps tool adds `AGENT_SUBNET` (the third /24) to this VNet, whose
name is therefore stated (`vnet_name`), not auto-named.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

import pulumi
import pulumi_azure_native as azure_native

from components.azure.shared import common

SUBNET = "private-endpoints"  # the 2nd /24 of the VNet
AGENT_SUBNET = "cicd-agents"  # the 3rd /24, created by the CI/CD tool (azure_devops/agents.py)


def vnet_name(name: str) -> str:
    """The VNet's name, stated rather than auto-named, so that the CI/CD tool can add the
    agents' subnet to it."""
    return f"{name}-vnet"


def vnet_id(resource_group_id: str, name: str) -> str:
    """The ARM id of the VNet `name` in the resource group `resource_group_id`."""
    return f"{resource_group_id}/providers/Microsoft.Network/virtualNetworks/{name}"


def agent_subnet_prefix(vnet_cidr: str) -> str:
    """The range of the CI/CD agents' subnet in the VNet `vnet_cidr`: its third /24."""
    return str(list(ipaddress.ip_network(vnet_cidr).subnets(new_prefix=24))[2])


def private_network(
    name: str,
    *,
    location: str,
    vnet_cidr: str,
    resource_group_name: pulumi.Input[str],
    tags: Mapping[str, str],
    vault_id: pulumi.Input[str],
    parent: pulumi.Resource,
) -> tuple[pulumi.Output[str], dict[str, pulumi.Output[str]]]:
    """The private-endpoint subnet's id and the DNS zone ids by group id."""
    network, dns = azure_native.network, azure_native.privatedns
    rg, tags = resource_group_name, dict(tags)
    dns_zone_ids: dict[str, pulumi.Output[str]] = {}
    child = pulumi.ResourceOptions(parent=parent)
    cidr = ipaddress.ip_network(vnet_cidr)
    if cidr.version != 4 or cidr.prefixlen > 23:
        raise ValueError(f"vnet_cidr {vnet_cidr!r}: an IPv4 range of /23 or larger")
    block = list(cidr.subnets(new_prefix=24))[1]
    # No inline `subnets`: the subnet below is a separate resource, never both.
    vnet = network.VirtualNetwork(
        f"{name}-vnet", virtual_network_name=vnet_name(name), resource_group_name=rg,
        location=location, tags=tags,
        address_space=network.AddressSpaceArgs(address_prefixes=[vnet_cidr]),
        opts=child,
    )  # fmt: skip
    nsg = network.NetworkSecurityGroup(
        f"{name}-nsg",
        resource_group_name=rg,
        location=location,
        tags=tags,
        opts=child,
    )
    subnet = network.Subnet(
        f"{name}-{SUBNET}", subnet_name=SUBNET, address_prefix=str(block),
        virtual_network_name=vnet.name, resource_group_name=rg,
        network_security_group=network.NetworkSecurityGroupArgs(id=nsg.id),
        # NSG rules apply to private endpoints too; endpoints need no outbound internet.
        private_endpoint_network_policies="Enabled",
        default_outbound_access=False,
        opts=child,
    )  # fmt: skip
    for group_id, zone_name in common.PRIVATE_DNS_ZONES.items():
        zone = dns.PrivateZone(
            f"{name}-dns-{group_id}", private_zone_name=zone_name, resource_group_name=rg,
            location="global", tags=tags, opts=child,
        )  # fmt: skip
        dns.VirtualNetworkLink(
            f"{name}-dns-{group_id}-link", private_zone_name=zone.name,
            resource_group_name=rg, location="global", tags=tags,
            virtual_network=dns.SubResourceArgs(id=vnet.id), registration_enabled=False,
            opts=child,
        )  # fmt: skip
        dns_zone_ids[group_id] = zone.id
    common.private_endpoint(
        f"{name}-vault-endpoint", target_id=vault_id, group_id="vault",
        resource_group_name=rg, location=location, subnet_id=subnet.id,
        dns_zone_ids=dns_zone_ids, tags=tags, parent=parent,
    )  # fmt: skip
    return subnet.id, dns_zone_ids
