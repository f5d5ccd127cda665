"""Options of the aks tool (a blueprint's `options:` for it)."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from components.azure.shared.option_types import VmSize
from components.options import ASK, Options


class GpuPool(Options):
    """An autoscaling GPU node pool, tainted `nvidia.com/gpu=present:NoSchedule`: only pods
    that tolerate the taint (GPU training and serving) land on it."""

    vm_size: VmSize = Field(
        "Standard_NC4as_T4_v3", description="GPU VM size (NVIDIA), e.g. Standard_NC4as_T4_v3."
    )
    max_nodes: int = Field(1, ge=1, le=100, description="At most this many GPU nodes.")


class AksOptions(Options):
    """An AKS cluster: private API server in prod, Entra ID and Azure RBAC only (no local
    accounts), workload identity, secrets encrypted with the platform key, Cilium network
    policies, a system pool, an autoscaling workload pool and an optional GPU pool."""

    system_vm_size: VmSize = Field(
        "Standard_D4s_v3", description="VM size of the system pool (three nodes in prod, one "
        "otherwise), which runs only the cluster's own pods."
    )  # fmt: skip
    vm_size: Annotated[VmSize, ASK] = Field(
        "Standard_D4s_v3", description="VM size of the workload pool."
    )
    min_nodes: int = Field(1, ge=0, le=1000, description="Fewest workload nodes (0: may idle).")
    max_nodes: int = Field(3, ge=1, le=1000, description="Most workload nodes.")
    gpu: GpuPool | None = Field(None, description="An autoscaling GPU pool; none by default.")
    public_access_cidrs: list[str] = Field(
        default_factory=list,
        description="dev and staging only: the IPv4 ranges that may reach the API server "
        "publicly (e.g. your office, 203.0.113.0/24); empty: the API server is private, as it "
        "always is in prod.",
    )

    deployer_type: Literal["User", "ServicePrincipal"] = Field(
        "User", description="Who runs `pulumi up`, and becomes the cluster's admin through Azure "
        "RBAC: a person (User) or a service principal or managed identity (ServicePrincipal, CI).",
    )  # fmt: skip

    @field_validator("public_access_cidrs")
    @classmethod
    def _ranges(cls, ranges: list[str]) -> list[str]:
        for cidr in ranges:
            try:
                network = ipaddress.ip_network(cidr, strict=True)
            except ValueError:
                raise ValueError(f"'{cidr}' is not an IPv4 range such as 203.0.113.0/24") from None
            if network.version != 4:
                raise ValueError(f"'{cidr}': the API server takes IPv4 ranges only")
            if network.prefixlen == 0:
                raise ValueError(f"'{cidr}' opens the API server to the whole internet")
        return ranges

    @model_validator(mode="after")
    def _bounds(self) -> AksOptions:
        if self.min_nodes > self.max_nodes:
            raise ValueError(f"min_nodes ({self.min_nodes}) is above max_nodes ({self.max_nodes})")
        return self

    def environment_problem(self, environment: str) -> tuple[str, str] | None:
        if environment == "prod" and self.public_access_cidrs:
            return "public_access_cidrs", (
                "the API server is private in prod; public access is for dev and staging only "
                "(remove the list, and reach the cluster from the VNet)"
            )
        return None
