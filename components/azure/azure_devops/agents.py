"""Where CI/CD jobs run when the platform is private: a subnet of the blueprint's VNet
delegated to Managed DevOps Pools (`Microsoft.DevOpsInfrastructure/pools`), so a pool's agents
reach the workspace, registries and storage through their private endpoints and private DNS
zones, which are linked to that VNet. Microsoft-hosted agents have no such path.

"Configure Managed DevOps Pools networking" (Azure DevOps documentation): delegate the subnet
to `Microsoft.DevOpsInfrastructure/pools`, exclusively for one pool, in the pool's region, with
room for its maximum size plus the five addresses Azure reserves; the DevOpsInfrastructure
service principal (one per tenant, its object id differs) needs Reader and Network Contributor
on the virtual network. The pool itself (a Dev Center project and the pool, created with the
organization administrator's rights in Azure DevOps) is the team's to create on this subnet.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pulumi
import pulumi_azure_native as azure_native

POOLS_DELEGATION = "Microsoft.DevOpsInfrastructure/pools"
# Built-in role definition ids, the same in every tenant.
NETWORK_ROLES = {
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
}


def agent_path(agents: str | None, has_vnet: bool) -> str:
    """Where pipeline jobs run, refusing what cannot reach the platform (or has no network)."""
    chosen = agents or ("vnet" if has_vnet else "microsoft-hosted")
    if chosen == "microsoft-hosted" and has_vnet:
        raise ValueError(
            "agents: Microsoft-hosted agents cannot reach a private platform (prod: workspace, "
            "registries and storage have no public access); use 'vnet' (Managed DevOps Pools)"
        )
    if chosen == "vnet" and not has_vnet:
        raise ValueError("agents: 'vnet' needs the private network, which only prod has")
    if chosen not in ("vnet", "microsoft-hosted"):
        raise ValueError(f"agents: {chosen!r} (choose: microsoft-hosted, vnet)")
    return chosen


def built_in_role(guid: str, scope: str) -> str:
    """The id of the built-in role `guid` in the subscription of the resource `scope`."""
    subscription = scope.split("/")[2]
    return f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def agent_subnet(
    name: str,
    *,
    subnet_name: str,
    vnet_id: pulumi.Input[str],
    address_prefix: str,
    resource_group_name: pulumi.Input[str],
    location: str,
    tags: Mapping[str, str],
    pools_principal_id: str | None,
    parent: pulumi.Resource,
) -> azure_native.network.Subnet:
    """The delegated subnet (`name`) behind its own NSG, and, given the DevOpsInfrastructure
    principal's object id, its two roles on the VNet."""
    child = pulumi.ResourceOptions(parent=parent)
    vnet = pulumi.Output.from_input(vnet_id)
    nsg = azure_native.network.NetworkSecurityGroup(
        f"{name}-nsg",
        resource_group_name=resource_group_name,
        location=location,
        tags=dict(tags),
        opts=child,
    )
    subnet = azure_native.network.Subnet(
        name,
        subnet_name=subnet_name,
        resource_group_name=resource_group_name,
        virtual_network_name=vnet.apply(lambda v: v.rsplit("/", 1)[-1]),
        address_prefix=address_prefix,
        network_security_group=azure_native.network.NetworkSecurityGroupArgs(id=nsg.id),
        delegations=[
            azure_native.network.DelegationArgs(name="pools", service_name=POOLS_DELEGATION)
        ],
        opts=child,
    )
    if pools_principal_id is not None:
        for key, (role, guid) in zip(("read", "network"), NETWORK_ROLES.items(), strict=True):
            azure_native.authorization.RoleAssignment(
                f"{name}-{key}",
                scope=vnet,
                role_definition_id=vnet.apply(partial(built_in_role, guid)),
                principal_id=pools_principal_id,
                principal_type=azure_native.authorization.PrincipalType.SERVICE_PRINCIPAL,
                description=f"opsblocks: {role} for Managed DevOps Pools on the VNet",
                opts=child,
            )
    return subnet
