"""Azure: the provider and the foundation; then every tool, in dependency order.

Names: the blueprint name prefixes everything. Globally unique names (storage accounts, key
vault, container registry, Azure ML registry, online endpoint) end in the foundation's
`unique_suffix`, six characters derived from the resource group id, so two environments or two
subscriptions never collide and a name never changes between runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

import pulumi
import pulumi_azure_native as azure_native

from components.azure.foundation import AzureFoundation, AzureFoundationArgs
from components.azure.shared.private_network import vnet_id, vnet_name
from opsblocks import contracts
from opsblocks.blueprint import Blueprint
from opsblocks.contracts import azure as azure_contracts
from opsblocks.environment import profile
from opsblocks.model import Environment
from opsblocks.providers import stack_settings
from opsblocks.tags import platform_tags
from opsblocks.wiring import Given, Site, build_tools


class Group(TypedDict):
    resource_group_name: pulumi.Output[str]
    location: str


class Unique(Group):
    unique_suffix: pulumi.Output[str]


class Key(TypedDict):
    customer_managed_key: bool
    key_vault_uri: pulumi.Output[str]
    key_name: pulumi.Output[str]


class PrivateLink(TypedDict):
    subnet_id: pulumi.Output[str] | None
    dns_zone_ids: Mapping[str, pulumi.Output[str]]


class WorkspaceIdentity(TypedDict):
    identity_id: pulumi.Output[str]
    identity_principal_id: pulumi.Output[str]


@dataclass(frozen=True)
class AzureSite(Site[azure_contracts.AzureFoundation]):
    @property
    def tags(self) -> dict[str, str]:
        return tags(self.blueprint, self.capability, self.tool)

    @property
    def prefix(self) -> str:
        """What globally unique names start with (they end in the foundation's suffix)."""
        return f"{self.blueprint.name}-"

    @property
    def compact(self) -> str:
        """The blueprint name without hyphens: storage accounts and container registries take
        letters and digits only."""
        return self.blueprint.name.replace("-", "")

    @property
    def group(self) -> Group:
        return {"resource_group_name": self.foundation.resource_group_name,
                "location": self.region}  # fmt: skip

    @property
    def unique(self) -> Unique:
        """The resource group, and the suffix globally unique names end in."""
        return {**self.group, "unique_suffix": self.foundation.unique_suffix}

    @property
    def key(self) -> Key:
        """The platform key, which encrypts storage in prod."""
        return {"customer_managed_key": self.prod, "key_vault_uri": self.foundation.key_vault_uri,
                "key_name": self.foundation.key_name}  # fmt: skip

    @property
    def private(self) -> PrivateLink:
        """Where private endpoints go (prod): the subnet and the private DNS zones."""
        return {"subnet_id": self.foundation.subnet_id,
                "dns_zone_ids": self.foundation.dns_zone_ids}  # fmt: skip

    @property
    def workspace_identity(self) -> WorkspaceIdentity:
        """The control plane's identity (the workspace's; storage reads the key with it)."""
        return {"identity_id": self.foundation.identity_id,
                "identity_principal_id": self.foundation.identity_principal_id}  # fmt: skip


def tags(bp: Blueprint, capability: str, tool: str) -> dict[str, str]:
    return platform_tags(blueprint=bp.name, environment=bp.environment.value,
                         capability=capability, tool=tool, extra=bp.tags)  # fmt: skip


def build(bp: Blueprint) -> contracts.StackOutputs:
    env = profile(bp.environment)
    # The blueprint decides the location; the subscription, tenant and credentials settings
    # come from the stack's azure-native config (or the environment the provider reads).
    provider = azure_native.Provider(
        "azure-native",
        **stack_settings(
            "azure-native", azure_native.ProviderArgs, decided={"location": bp.region}
        ),
    )
    opts = pulumi.ResourceOptions(providers=[provider])
    inputs = AzureFoundationArgs(
        tags=tags(bp, "foundation", "foundation"),
        location=bp.region,
        resource_group_name=f"{bp.name}-{bp.environment.value}",
        key_vault_prefix=f"{bp.name}-",
        protect=env.protect_data,
        log_retention_days=env.log_retention_days,
        # Only prod is private: a VNet, private DNS zones and private endpoints.
        private_network=bp.environment is Environment.prod,
    )
    base = AzureFoundation(bp.name, inputs, opts)
    # The VNet's id, known once its private-endpoint subnet exists (one subnet operation at a
    # time on a VNet), from the resource group's id and the name the foundation gives it.
    network = (
        None if base.subnet_id is None
        else pulumi.Output.all(base.resource_group_id, base.subnet_id).apply(
            lambda ids: vnet_id(ids[0], vnet_name(bp.name)))
    )  # fmt: skip
    foundation = azure_contracts.AzureFoundation(
        resource_group_name=base.resource_group_name,
        resource_group_id=base.resource_group_id,
        unique_suffix=base.unique_suffix,
        tenant_id=base.tenant_id,
        subscription_id=base.subscription_id,
        identity_id=base.identity_id,
        identity_principal_id=base.identity_principal_id,
        workload_identity_id=base.workload_identity_id,
        workload_identity_principal_id=base.workload_identity_principal_id,
        workload_identity_client_id=base.workload_identity_client_id,
        serving_identity_id=base.serving_identity_id,
        serving_identity_principal_id=base.serving_identity_principal_id,
        key_vault_id=base.key_vault_id,
        key_vault_uri=base.key_vault_uri,
        key_name=base.key_name,
        log_workspace_id=base.log_workspace_id,
        app_insights_id=base.app_insights_id,
        subnet_id=base.subnet_id,
        dns_zone_ids=base.dns_zone_ids,
        vnet_id=network,
        vnet_cidr=inputs.vnet_cidr,
    )

    def at(capability: str, tool: str, given: Given) -> AzureSite:
        return AzureSite(bp, foundation, capability, tool, opts, given)

    return foundation.outputs() | build_tools(bp, at)
