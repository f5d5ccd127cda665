"""Options of the eks tool (a blueprint's `options:` for it)."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from components.options import ASK, Options

Ec2InstanceType = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$",
        description="EC2 instance type, e.g. m5.xlarge.",
    ),
]


def _check_cidr(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise ValueError(f"'{value}' is not a CIDR block such as 203.0.113.0/24") from None
    if network.prefixlen == 0:
        raise ValueError(f"'{value}' opens the API endpoint to the whole internet")
    return value


Cidr = Annotated[str, AfterValidator(_check_cidr)]


class GpuPool(BaseModel):
    """A GPU node pool that starts at zero nodes and is scaled by the Cluster Autoscaler when
    pods ask for GPUs; its nodes are tainted
    `nvidia.com/gpu=present:NoSchedule`, so only pods that tolerate it land there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance_type: Ec2InstanceType = Field("g5.xlarge", description="GPU instance type.")
    max_nodes: int = Field(
        2,
        ge=1,
        le=100,
        description="At most this many GPU nodes (scaled by the Cluster Autoscaler).",
    )


class EksKubernetesOptions(Options):
    """An EKS cluster: private API endpoint, secrets encrypted with the platform key, EKS Pod
    Identity, VPC CNI network policies, a fixed-size system node group and a workload node group
    scaled by the Cluster Autoscaler."""

    public_access_cidrs: list[Cidr] = Field(
        default_factory=list,
        description="dev/staging only: CIDR blocks that may reach the API endpoint from the "
        "internet (none: the endpoint is private, reached from inside the VPC).",
    )
    system_instance_type: Ec2InstanceType = Field(
        "m5.large",
        description="Instance type of the system node group (cluster add-ons, the Cluster "
        "Autoscaler).",
    )
    system_nodes: int = Field(2, ge=1, le=10, description="Nodes of the system node group.")
    instance_type: Annotated[Ec2InstanceType, ASK] = Field(
        "m5.xlarge", description="Instance type of the workload node group."
    )
    min_nodes: int = Field(
        1,
        ge=0,
        le=100,
        description="Fewest nodes of the workload group, scaled by the Cluster Autoscaler.",
    )
    max_nodes: int = Field(
        5,
        ge=1,
        le=100,
        description="Most nodes of the workload group, scaled by the Cluster Autoscaler.",
    )
    disk_size_gb: int = Field(
        50, ge=20, le=1000, description="Root volume of every node (encrypted), GB."
    )
    gpu: GpuPool | None = Field(None, description="An optional GPU node group.")
    internet_egress: bool = Field(
        True,
        description="Public subnets with NAT gateways (one per zone in prod) that the private "
        "subnets route to, so nodes pull public images (Helm charts' images). Off is refused "
        "for now: the Cluster Autoscaler's and the tools' charts name public images, which "
        "nodes reaching only AWS through the VPC endpoints cannot pull.",
    )

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if not self.internet_egress:
            raise ValueError(
                "internet_egress: false leaves nodes unable to pull the public images of the "
                "Cluster Autoscaler and the tools' charts (no image mirror option yet): keep it on"
            )
        if self.min_nodes > self.max_nodes:
            raise ValueError(
                f"min_nodes ({self.min_nodes}) is more than max_nodes ({self.max_nodes})"
            )
        return self

    def environment_problem(self, environment: str) -> tuple[str, str] | None:
        if environment == "prod" and self.public_access_cidrs:
            return "public_access_cidrs", (
                "the API endpoint of a prod cluster is private: reach it from inside the VPC "
                "(VPN, bastion, a runner in the VPC), not from internet CIDRs"
            )
        return None
