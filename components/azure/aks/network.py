"""Where the cluster runs: its node subnet and the API server's subnet, in the platform's
private VNet (prod) or in a VNet of its own (dev, staging), with the subnet the pods reach
private endpoints through.

Layout of the VNet (`vnet_cidr`, a /20 or larger; the foundation's is 10.20.0.0/16): the
foundation's private-endpoint subnet is its 2nd /24 and the CI/CD agents' its 3rd; the nodes
take the 2nd /22 (`NODES`, room for about a thousand nodes: Azure CNI Overlay gives pods
addresses outside the VNet) and the API server the first /28 of the 9th /24 (`API_SERVER`,
delegated to AKS: API Server VNet Integration). In a VNet of its own the cluster also makes
the private-endpoint subnet, where the foundation would have it.

Azure allows one subnet operation at a time on a VNet: the node subnet is created once the
foundation's subnet exists (the foundation's `vnet_id` resolves only then), and the API
server's subnet once the node subnet exists.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.azure.shared.common import once

NODES = "aks-nodes"
API_SERVER = "aks-api-server"
ENDPOINTS = "private-endpoints"
API_SERVER_DELEGATION = "Microsoft.ContainerService/managedClusters"
network = azure_native.network


@dataclass(frozen=True)
class Ranges:
    nodes: str
    api_server: str
    endpoints: str


def ranges(vnet_cidr: str) -> Ranges:
    """The node, API server and private-endpoint ranges of the VNet `vnet_cidr`."""
    cidr = ipaddress.ip_network(vnet_cidr)
    if cidr.version != 4 or cidr.prefixlen > 20:
        raise ValueError(
            f"vnet_cidr {vnet_cidr!r}: the cluster's subnets need an IPv4 range of /20 or larger"
        )
    blocks = list(cidr.subnets(new_prefix=24))
    nodes = list(cidr.subnets(new_prefix=22))[1]
    api_server = next(blocks[8].subnets(new_prefix=28))
    return Ranges(nodes=str(nodes), api_server=str(api_server), endpoints=str(blocks[1]))


@dataclass(frozen=True)
class ClusterNetwork:
    vnet_id: pulumi.Output[str]
    node_subnet_id: pulumi.Output[str]
    api_server_subnet_id: pulumi.Output[str]
    endpoint_subnet_id: pulumi.Output[str]
    """Where the tools on the cluster put the private endpoints of their services."""


def cluster_network(
    name: str,
    *,
    vnet_id: pulumi.Input[str] | None,
    endpoint_subnet_id: pulumi.Input[str] | None,
    vnet_cidr: str,
    resource_group_name: pulumi.Input[str],
    location: str,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> ClusterNetwork:
    """The cluster's subnets in `vnet_id` (the foundation's), or, without one, in a VNet of
    its own with its own private-endpoint subnet."""
    child = pulumi.ResourceOptions(parent=parent)
    rg, tags, blocks = resource_group_name, dict(tags), ranges(vnet_cidr)

    def nsg(role: str) -> azure_native.network.NetworkSecurityGroup:
        # No rules: Azure's defaults allow the VNet and its load balancer, deny the internet.
        return network.NetworkSecurityGroup(f"{name}-{role}-nsg", resource_group_name=rg,
                                            location=location, tags=tags, opts=child)  # fmt: skip

    def subnet(role: str, subnet_name: str, prefix: str, vnet_name: pulumi.Input[str],
               delegation: str | None = None) -> azure_native.network.Subnet:  # fmt: skip
        delegations = [network.DelegationArgs(name="aks", service_name=delegation)]
        return network.Subnet(
            f"{name}-{role}", subnet_name=subnet_name, address_prefix=prefix,
            virtual_network_name=vnet_name, resource_group_name=rg,
            network_security_group=network.NetworkSecurityGroupArgs(id=nsg(role).id),
            delegations=delegations if delegation else None,
            # NSG rules apply to private endpoints too.
            private_endpoint_network_policies="Enabled",
            # No implicit outbound address: the nodes leave through the cluster's load balancer.
            default_outbound_access=False, opts=child,
        )  # fmt: skip

    if vnet_id is None:
        vnet = network.VirtualNetwork(
            f"{name}-vnet", resource_group_name=rg, location=location, tags=tags,
            address_space=network.AddressSpaceArgs(address_prefixes=[vnet_cidr]), opts=child,
        )  # fmt: skip
        own_endpoints = subnet("endpoints", ENDPOINTS, blocks.endpoints, vnet.name)
        vnet_name: pulumi.Output[str] = once(vnet.name, own_endpoints)
        the_vnet: pulumi.Output[str] = vnet.id
        endpoints: pulumi.Output[str] = own_endpoints.id
    else:
        the_vnet = pulumi.Output.from_input(vnet_id)
        vnet_name = the_vnet.apply(lambda v: v.rsplit("/", 1)[-1])
        if endpoint_subnet_id is None:
            raise ValueError("a cluster in the platform's VNet needs its endpoint_subnet_id")
        endpoints = pulumi.Output.from_input(endpoint_subnet_id)

    nodes = subnet("nodes", NODES, blocks.nodes, vnet_name)
    api_server = subnet("api-server", API_SERVER, blocks.api_server, once(vnet_name, nodes),
                        delegation=API_SERVER_DELEGATION)  # fmt: skip
    return ClusterNetwork(vnet_id=the_vnet, node_subnet_id=nodes.id,
                          api_server_subnet_id=api_server.id,
                          endpoint_subnet_id=endpoints)  # fmt: skip
