"""The cluster's subnet in the platform's network, and its way out to the internet.

VPC-native clusters take their pod and Service addresses from secondary ranges of the nodes'
subnet. The foundation's subnet has none (and belongs to the foundation), so the cluster gets
its own subnet in the platform's VPC, private like the foundation's: Private Google Access
(nodes reach Google APIs and Artifact Registry without public IPs) and flow logs.

Address ranges: the subnet's ranges are fixed (options `node_range`, `pod_range`,
`service_range`, in 10.20.0.0/14 and 10.24.0.0/14 by default) while the foundation's Private
Services Access range is a /16 Google picks from the VPC's free space when the foundation is
first deployed, and Google documents no block it picks from. If that /16 overlaps the defaults,
creating the subnet fails (nothing is half-built); choose ranges clear of it (see it with
`gcloud compute addresses list --global --filter=purpose=VPC_PEERING`). The foundation's range
is left as it is: pinning it now would replace the peering of deployed platforms.

Private nodes have no public IP: without Cloud NAT they cannot pull images from public
registries. With `internet_egress`, a Cloud Router and Cloud NAT translate the subnet's
outbound traffic (nodes and pods) only; nothing can connect in through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

PODS = "pods"
SERVICES = "services"
"""The names of the subnet's secondary ranges the cluster uses."""


@dataclass(frozen=True, kw_only=True)
class NodeNetwork:
    subnet: gcp.compute.Subnetwork
    egress: list[pulumi.Resource]
    """The NAT (and its router) when the nodes may reach the internet; else empty."""


def node_network(
    parent: pulumi.Resource,
    name: str,
    *,
    project: pulumi.Input[str],
    region: str,
    network_id: pulumi.Input[str],
    node_range: str,
    pod_range: str,
    service_range: str,
    internet_egress: bool,
) -> NodeNetwork:
    child = pulumi.ResourceOptions(parent=parent)
    subnet = gcp.compute.Subnetwork(
        f"{name}-nodes",
        project=project,
        network=network_id,
        region=region,
        ip_cidr_range=node_range,
        secondary_ip_ranges=[
            gcp.compute.SubnetworkSecondaryIpRangeArgs(range_name=PODS, ip_cidr_range=pod_range),
            gcp.compute.SubnetworkSecondaryIpRangeArgs(
                range_name=SERVICES, ip_cidr_range=service_range
            ),
        ],
        private_ip_google_access=True,
        log_config=gcp.compute.SubnetworkLogConfigArgs(
            aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5,
            metadata="INCLUDE_ALL_METADATA"),
        description=f"opsblocks {name}: GKE nodes, pods and Services",
        opts=child,
    )  # fmt: skip
    if not internet_egress:
        return NodeNetwork(subnet=subnet, egress=[])
    router = gcp.compute.Router(
        f"{name}-router",
        project=project,
        network=network_id,
        region=region,
        description=f"opsblocks {name}: Cloud NAT of the GKE nodes",
        opts=child,
    )
    nat = gcp.compute.RouterNat(
        f"{name}-nat",
        project=project,
        router=router.name,
        region=region,
        nat_ip_allocate_option="AUTO_ONLY",
        source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
        subnetworks=[
            gcp.compute.RouterNatSubnetworkArgs(
                name=subnet.id, source_ip_ranges_to_nats=["ALL_IP_RANGES"]
            )
        ],
        log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
        opts=child,
    )
    return NodeNetwork(subnet=subnet, egress=[router, nat])
