"""GCP: the provider and the foundation; then every tool, in dependency order.

Every component sets `project=` from the foundation's `project` output, which resolves only
once the APIs are enabled and the service agents may use the key: that is what orders the
first `pulumi up` of a CMEK platform on GCP. The foundation enables the APIs the blueprint's
tools name (`Tool.apis`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import pulumi
import pulumi_gcp as gcp

from components.gcp.foundation import GcpFoundation, GcpFoundationArgs
from opsblocks import catalog, contracts
from opsblocks.blueprint import Blueprint
from opsblocks.contracts import gcp as gcp_contracts
from opsblocks.environment import profile
from opsblocks.providers import stack_settings
from opsblocks.tags import platform_labels
from opsblocks.wiring import Given, Site, build_tools


class CommonInputs(TypedDict):
    project: pulumi.Output[str]
    region: str


class StoreInputs(CommonInputs):
    kms_key_id: pulumi.Output[str]
    access_log_bucket: pulumi.Output[str]
    protect: bool


class NetworkInputs(TypedDict):
    network_id: pulumi.Output[str]
    subnet_id: pulumi.Output[str]


@dataclass(frozen=True)
class GcpSite(Site[gcp_contracts.GcpFoundation]):
    @property
    def labels(self) -> dict[str, str]:
        return labels(self.blueprint, self.capability, self.tool)

    @property
    def common(self) -> CommonInputs:
        """What every component takes: the project (which waits for APIs and key), the region."""
        return {"project": self.foundation.project, "region": self.region}

    @property
    def stores(self) -> StoreInputs:
        """What every stateful component takes besides: the key, the access logs, protection."""
        return {**self.common, "kms_key_id": self.foundation.kms_key_id,
                "access_log_bucket": self.foundation.access_log_bucket,
                "protect": self.env.protect_data}  # fmt: skip

    @property
    def network(self) -> NetworkInputs:
        """The VPC runs are peered to and the private subnet."""
        return {"network_id": self.foundation.network_id, "subnet_id": self.foundation.subnet_id}

    def account_id(self, role: str) -> str:
        """Service account ids (6-30 characters, unique per project): `<blueprint>-<role>`."""
        return f"{self.blueprint.name}-{role}"


def labels(bp: Blueprint, capability: str, tool: str) -> dict[str, str]:
    return platform_labels(blueprint=bp.name, environment=bp.environment.value,
                           capability=capability, tool=tool, extra=bp.tags)  # fmt: skip


def build(bp: Blueprint) -> contracts.StackOutputs:
    env = profile(bp.environment)
    # The blueprint decides the region; the project (required), impersonation and the rest of
    # the provider's settings come from the stack's gcp config.
    provider = gcp.Provider(
        "gcp", **stack_settings("gcp", gcp.ProviderArgs, decided={"region": bp.region})
    )
    opts = pulumi.ResourceOptions(providers=[provider])
    tools = [
        catalog.find(bp.cloud, capability, spec.tool) for capability, spec in bp.tools().items()
    ]
    base = GcpFoundation(
        bp.name,
        GcpFoundationArgs(
            labels=labels(bp, "foundation", "foundation"),
            region=bp.region,
            apis=sorted({api for tool in tools for api in tool.apis}),
            protect=env.protect_data,
        ),
        opts,
    )
    foundation = gcp_contracts.GcpFoundation(
        project=base.project,
        kms_key_id=base.kms_key_id,
        access_log_bucket=base.access_log_bucket,
        network_id=base.network_id,
        subnet_id=base.subnet_id,
    )

    def at(capability: str, tool: str, given: Given) -> GcpSite:
        return GcpSite(bp, foundation, capability, tool, opts, given)

    return foundation.outputs() | build_tools(bp, at)
