"""Options of the gke tool (a blueprint's `options:` for it)."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from components.gcp.shared.option_types import MachineType
from components.options import ASK, Options


def _private_range(value: str) -> str:
    network = ipaddress.ip_network(value, strict=True)
    if not network.is_private or network.version != 4:
        raise ValueError(f"'{value}' is not a private IPv4 range (e.g. 10.20.0.0/22)")
    return value


def _public_cidr(value: str) -> str:
    network = ipaddress.ip_network(value, strict=True)
    if network.prefixlen == 0:
        raise ValueError(f"'{value}' opens the API server to the whole internet; list your CIDRs")
    return value


_CLEAR_OF_PSA = (
    "Must not overlap the foundation's subnet (10.10.0.0/20) nor its Private Services Access "
    "range, a /16 Google picks in the VPC when the foundation is first deployed (if it took "
    "this block, the subnet fails to create: see it with `gcloud compute addresses list "
    "--global --filter=purpose=VPC_PEERING` and choose ranges clear of it)."
)

PrivateRange = Annotated[str, AfterValidator(_private_range)]
PublicCidr = Annotated[str, AfterValidator(_public_cidr)]


class GpuPool(BaseModel):
    """An autoscaling GPU node pool, from zero nodes, tainted nvidia.com/gpu=present:NoSchedule
    so only pods that tolerate it (and ask for nvidia.com/gpu) run there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    machine_type: MachineType = Field(
        "g2-standard-8", description="GPU machine type; G2 machines carry NVIDIA L4 GPUs."
    )
    accelerator: str = Field(
        "nvidia-l4",
        pattern=r"^nvidia-[a-z0-9-]+$",
        description="GPU type the machine type takes (e.g. nvidia-l4 for G2, nvidia-tesla-t4).",
    )
    accelerator_count: int = Field(1, ge=1, le=8, description="GPUs per node.")
    max_nodes: int = Field(2, ge=1, le=100, description="Most GPU nodes, in all zones together.")


STANDARD_ONLY = (
    "system_machine_type",
    "system_nodes_per_zone",
    "workload_machine_type",
    "workload_min_nodes",
    "workload_max_nodes",
    "gpu",
    "disk_size_gb",
)
"""Options of the node pools, which an Autopilot cluster does not have: GKE sizes and places
the nodes from the pods' resource requests."""


class GkeOptions(Options):
    """A regional GKE cluster with private nodes in the platform's network: Standard (node pools
    of your machine types), or Autopilot (GKE manages the nodes, billing the pods' requests)."""

    autopilot: bool = Field(
        False,
        description="An Autopilot cluster: no node pools to size, GKE provisions nodes for the "
        "pods' resource requests and bills those requests (vCPU, memory per hour), not nodes. "
        "Decided at creation: changing it replaces the cluster.",
    )

    public_access_cidrs: list[PublicCidr] = Field(
        default_factory=list,
        description="dev/staging only: CIDRs that may reach the API server's public endpoint "
        "(e.g. your office's). Empty: the API server has a private endpoint only (always in "
        "prod); run `pulumi up` from inside the network.",
    )
    system_machine_type: MachineType = Field(
        "e2-standard-4", description="Machine type of the system pool (cluster add-ons)."
    )
    system_nodes_per_zone: int = Field(
        1, ge=1, le=3, description="System nodes in each of the region's zones."
    )
    workload_machine_type: Annotated[MachineType, ASK] = Field(
        "e2-standard-8", description="Machine type of the autoscaling workload pool."
    )
    workload_min_nodes: int = Field(
        1, ge=0, le=100, description="Fewest workload nodes, in all zones together."
    )
    workload_max_nodes: int = Field(
        6, ge=1, le=1000, description="Most workload nodes, in all zones together."
    )
    gpu: GpuPool | None = Field(None, description="An autoscaling GPU pool (none by default).")
    disk_size_gb: int = Field(100, ge=20, le=2000, description="Boot disk of every node, in GB.")
    internet_egress: bool = Field(
        True,
        description="Cloud NAT for the nodes' subnet, so private nodes pull public images (Helm "
        "charts' images); off: nodes reach only Google APIs (Artifact Registry included).",
    )
    node_range: PrivateRange = Field(
        "10.20.0.0/22",
        description="Primary range of the cluster's node subnet. " + _CLEAR_OF_PSA,
    )
    pod_range: PrivateRange = Field(
        "10.24.0.0/14", description="Secondary range for pods. " + _CLEAR_OF_PSA
    )
    service_range: PrivateRange = Field(
        "10.20.16.0/20", description="Secondary range for Services. " + _CLEAR_OF_PSA
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.autopilot:
            # A value other than the default: `opsblocks new` writes every option, defaults
            # included, so a default is no choice of the user's.
            for name in STANDARD_ONLY:
                if getattr(self, name) != type(self).model_fields[name].get_default(
                    call_default_factory=True
                ):
                    raise ValueError(
                        f"{name} is an option of Standard node pools, which an Autopilot "
                        f"cluster has none of (GKE sizes its nodes from the pods' requests): "
                        f"remove {name}, or autopilot"
                    )
        if self.workload_min_nodes > self.workload_max_nodes:
            raise ValueError(
                f"workload_min_nodes ({self.workload_min_nodes}) is more than "
                f"workload_max_nodes ({self.workload_max_nodes})"
            )
        ranges = {"node_range": self.node_range, "pod_range": self.pod_range,
                  "service_range": self.service_range}  # fmt: skip
        names = list(ranges)
        for index, first in enumerate(names):
            for second in names[index + 1 :]:
                a, b = (ipaddress.ip_network(ranges[n]) for n in (first, second))
                if a.overlaps(b):
                    raise ValueError(f"{first} {a} overlaps {second} {b}")
        return self

    def environment_problem(self, environment: str) -> tuple[str, str] | None:
        if environment == "prod" and self.public_access_cidrs:
            return "public_access_cidrs", (
                "a prod API server has a private endpoint only: remove public_access_cidrs "
                "and run `pulumi up` and kubectl from inside the network"
            )
        return None
