"""What every Azure component shares: built-in roles, role assignments, private endpoints,
and the ARM type of an online endpoint.

Role assignments name a built-in role by its fixed id and are always scoped to one resource of
the blueprint (at most its resource group), never to the subscription. Private endpoints put a
service on the platform's private subnet and register its address in the private DNS zones
the foundation created for that service (`ZONES_OF_GROUP` where a service answers in several
zones, or in another service's zone).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_azure_native as azure_native

# Built-in role definition ids (the same in every tenant).
ROLES: dict[str, str] = {
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    "AzureML Compute Operator": "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
    "AzureML Metrics Writer (preview)": "635dd51f-9968-44d3-b7fb-6d9a6bd613ae",
    "AzureML Registry User": "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
    "Azure AI Enterprise Network Connection Approver": "b556d68e-0be0-4f35-a333-ad7ee1ce17ea",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage File Data Privileged Contributor": "69566ab7-960f-475b-8e7c-b3118f30c6bd",
    "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
}

# The private DNS zone of each private-endpoint group id (Azure public cloud).
PRIVATE_DNS_ZONES: dict[str, str] = {
    "blob": "privatelink.blob.core.windows.net",
    "dfs": "privatelink.dfs.core.windows.net",
    "file": "privatelink.file.core.windows.net",
    "vault": "privatelink.vaultcore.azure.net",
    "registry": "privatelink.azurecr.io",
    "amlworkspace": "privatelink.api.azureml.ms",
    "notebooks": "privatelink.notebooks.azure.net",
}

# The zones (keys of PRIVATE_DNS_ZONES) a group id's endpoint registers in, where they are not
# just its own: a workspace answers on its API and its notebooks host names, and an Azure ML
# registry on the API host names, in the workspace's zone ("Azure Private Endpoint private DNS
# zone values": `amlregistry` -> privatelink.api.azureml.ms).
ZONES_OF_GROUP: dict[str, tuple[str, ...]] = {
    "amlworkspace": ("amlworkspace", "notebooks"),
    "amlregistry": ("amlworkspace",),
}

ENDPOINT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
"""ARM type of an Azure ML online endpoint: serving's traffic template names it, and the
metric alerts of serving and monitoring take it as their namespace or target type."""


def zones_of(group_id: str) -> tuple[str, ...]:
    """The keys of `dns_zone_ids` an endpoint for `group_id` registers in."""
    return ZONES_OF_GROUP.get(group_id, (group_id,))


def once(value: pulumi.Input[str], *resources: pulumi.CustomResource) -> pulumi.Output[str]:
    """`value`, known only once every one of `resources` exists: whatever reads it waits for
    them (a name that waits for what it names, an identity that waits for its grants)."""
    return pulumi.Output.all(value, *(r.id for r in resources)).apply(lambda v: str(v[0]))


def role_definition_id(scope: pulumi.Input[str], role: str) -> pulumi.Output[str]:
    """The subscription-scoped id of a built-in role, from any resource id in the subscription."""
    guid = ROLES[role]
    return pulumi.Output.from_input(scope).apply(
        lambda s: (
            f"/subscriptions/{s.split('/')[2]}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{guid}"
        )
    )


def grant(
    name: str,
    *,
    role: str,
    scope: pulumi.Input[str],
    principal_id: pulumi.Input[str],
    parent: pulumi.Resource,
    depends_on: list[pulumi.Resource] | None = None,
    principal_type: str = "ServicePrincipal",
    condition: str | None = None,
) -> azure_native.authorization.RoleAssignment:
    """Give a managed identity (a service principal), or with `principal_type` "User" a
    person, one built-in role on one resource; `condition` narrows it (Azure ABAC, 2.0)."""
    return azure_native.authorization.RoleAssignment(
        name,
        scope=scope,
        role_definition_id=role_definition_id(scope, role),
        principal_id=principal_id,
        condition=condition,
        condition_version="2.0" if condition else None,
        # Skips the directory lookup that fails while a new identity replicates.
        principal_type=azure_native.authorization.PrincipalType(principal_type),
        description=f"opsblocks: {role}",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on),
    )


def private_endpoint(
    name: str,
    *,
    target_id: pulumi.Input[str],
    group_id: str,
    resource_group_name: pulumi.Input[str],
    location: pulumi.Input[str],
    subnet_id: pulumi.Input[str],
    dns_zone_ids: Mapping[str, pulumi.Input[str]],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> azure_native.network.PrivateEndpoint:
    """A private endpoint for one sub-resource (`group_id`) of `target_id`, registered in the
    foundation's private DNS zone for that sub-resource, so clients in the VNet resolve the
    service's usual host name to its private address (`zones_of(group_id)` names the zones)."""
    endpoint, _ = private_endpoint_and_dns(
        name, target_id=target_id, group_id=group_id, resource_group_name=resource_group_name,
        location=location, subnet_id=subnet_id, dns_zone_ids=dns_zone_ids, tags=tags,
        parent=parent,
    )  # fmt: skip
    return endpoint


def private_endpoint_and_dns(
    name: str,
    *,
    target_id: pulumi.Input[str],
    group_id: str,
    resource_group_name: pulumi.Input[str],
    location: pulumi.Input[str],
    subnet_id: pulumi.Input[str],
    dns_zone_ids: Mapping[str, pulumi.Input[str]],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> tuple[azure_native.network.PrivateEndpoint, azure_native.network.PrivateDnsZoneGroup]:
    """`private_endpoint`, and its DNS zone group: what must exist before a client in the VNet
    can reach the service by its usual host name."""
    zones = zones_of(group_id)
    missing = [zone for zone in zones if zone not in dns_zone_ids]
    if missing:
        raise ValueError(f"a private endpoint for {group_id!r} needs dns_zone_ids {missing}")
    endpoint = azure_native.network.PrivateEndpoint(
        name,
        resource_group_name=resource_group_name,
        location=location,
        subnet=azure_native.network.SubnetArgs(id=subnet_id),
        private_link_service_connections=[
            azure_native.network.PrivateLinkServiceConnectionArgs(
                name=f"{name}-{group_id}", private_link_service_id=target_id, group_ids=[group_id]
            )
        ],
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    zone_group = azure_native.network.PrivateDnsZoneGroup(
        f"{name}-dns",
        resource_group_name=resource_group_name,
        private_endpoint_name=endpoint.name,
        private_dns_zone_group_name="default",
        private_dns_zone_configs=[
            azure_native.network.PrivateDnsZoneConfigArgs(
                name=zone, private_dns_zone_id=dns_zone_ids[zone]
            )
            for zone in zones
        ],
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return endpoint, zone_group
