"""The cluster's nodes: their own service account, and the node pools.

Every node runs as a dedicated service account holding only
`roles/container.defaultNodeServiceAccount` (logs, metrics, the autoscaler's metadata: what
GKE nodes need); workloads get Google credentials through Workload Identity, never from the
node. Nodes are private (no external IP), shielded (secure boot, integrity monitoring), boot
from disks encrypted with the platform key, and hide the VM's metadata server from pods
(GKE_METADATA: pods see only the metadata server of Workload Identity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

NODE_ROLES = ("roles/container.defaultNodeServiceAccount",)
"""What a GKE node needs, and nothing more (GKE docs: node service accounts)."""
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
"""Google's recommendation: the full scope, with IAM (the one role above) deciding."""
GPU_TAINT = gcp.container.NodePoolNodeConfigTaintArgs(
    key="nvidia.com/gpu", value="present", effect="NO_SCHEDULE"
)
POOL_LABEL = "opsblocks.io/pool"


def node_identity(
    parent: pulumi.Resource, name: str, *, project: pulumi.Input[str], account_id: str
) -> tuple[gcp.serviceaccount.Account, list[pulumi.Resource]]:
    """The nodes' service account and its project roles."""
    account = gcp.serviceaccount.Account(
        f"{name}-nodes",
        account_id=account_id,
        display_name=f"opsblocks {name}: GKE nodes",
        project=project,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    grants: list[pulumi.Resource] = [
        gcp.projects.IAMMember(
            f"{name}-nodes-{role.rsplit('.', 1)[-1]}",
            project=project,
            role=role,
            member=account.member,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for role in NODE_ROLES
    ]
    return account, grants


def node_config(
    *,
    machine_type: str,
    service_account: pulumi.Input[str],
    kms_key_id: pulumi.Input[str],
    disk_size_gb: int,
    labels: Mapping[str, str],
    pool: str,
    accelerators: Sequence[gcp.container.NodePoolNodeConfigGuestAcceleratorArgs] = (),
    taints: Sequence[gcp.container.NodePoolNodeConfigTaintArgs] = (),
) -> gcp.container.NodePoolNodeConfigArgs:
    return gcp.container.NodePoolNodeConfigArgs(
        machine_type=machine_type,
        service_account=service_account,
        oauth_scopes=SCOPES,
        image_type="COS_CONTAINERD",
        disk_type="pd-balanced",
        disk_size_gb=disk_size_gb,
        boot_disk_kms_key=kms_key_id,
        workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
            mode="GKE_METADATA"
        ),
        shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
            enable_secure_boot=True, enable_integrity_monitoring=True
        ),
        metadata={"disable-legacy-endpoints": "true"},
        resource_labels=dict(labels),
        labels={POOL_LABEL: pool},
        guest_accelerators=list(accelerators) or None,
        taints=list(taints) or None,
    )


def default_pool_config(
    *,
    machine_type: str,
    service_account: pulumi.Input[str],
    kms_key_id: pulumi.Input[str],
    disk_size_gb: int,
    labels: Mapping[str, str],
) -> gcp.container.ClusterNodeConfigArgs:
    """The same settings for the default pool GKE creates with the cluster and then removes:
    even for those minutes, no node runs as the Compute Engine default account."""
    return gcp.container.ClusterNodeConfigArgs(
        machine_type=machine_type,
        service_account=service_account,
        oauth_scopes=SCOPES,
        image_type="COS_CONTAINERD",
        disk_type="pd-balanced",
        disk_size_gb=disk_size_gb,
        boot_disk_kms_key=kms_key_id,
        workload_metadata_config=gcp.container.ClusterNodeConfigWorkloadMetadataConfigArgs(
            mode="GKE_METADATA"
        ),
        shielded_instance_config=gcp.container.ClusterNodeConfigShieldedInstanceConfigArgs(
            enable_secure_boot=True, enable_integrity_monitoring=True
        ),
        metadata={"disable-legacy-endpoints": "true"},
        resource_labels=dict(labels),
    )


@dataclass(frozen=True)
class ClusterMode:
    """The cluster's arguments that differ between Standard and Autopilot (None: not sent)."""

    enable_autopilot: bool | None = None
    remove_default_node_pool: bool | None = None
    initial_node_count: int | None = None
    node_config: gcp.container.ClusterNodeConfigArgs | None = None
    cluster_autoscaling: gcp.container.ClusterClusterAutoscalingArgs | None = None
    enable_shielded_nodes: bool | None = None
    datapath_provider: str | None = None


def standard_mode(
    *,
    machine_type: str,
    service_account: pulumi.Input[str],
    kms_key_id: pulumi.Input[str],
    disk_size_gb: int,
    labels: Mapping[str, str],
) -> ClusterMode:
    """Standard: node pools are separate resources; the default pool GKE creates first is
    removed (and configured like the others while it lives). Shielded nodes and Dataplane V2
    (which enforces network policies) are asked for."""
    return ClusterMode(
        remove_default_node_pool=True,
        initial_node_count=1,
        node_config=default_pool_config(
            machine_type=machine_type,
            service_account=service_account,
            kms_key_id=kms_key_id,
            disk_size_gb=disk_size_gb,
            labels=labels,
        ),
        enable_shielded_nodes=True,
        datapath_provider="ADVANCED_DATAPATH",
    )


def autopilot_mode(
    *, service_account: pulumi.Input[str], kms_key_id: pulumi.Input[str]
) -> ClusterMode:
    """Autopilot: GKE creates, sizes and upgrades the nodes. It refuses node pools, a default
    node config and the shielded-nodes switch, and fixes what they would set: shielded nodes
    with secure boot, COS with containerd, the GKE metadata server (Workload Identity is
    always on), Dataplane V2 and node auto-provisioning. What it takes for its nodes is the
    auto-provisioning defaults: they run as the nodes' own service account (not Compute
    Engine's default one) and boot from disks encrypted with the platform key."""
    return ClusterMode(
        enable_autopilot=True,
        cluster_autoscaling=gcp.container.ClusterClusterAutoscalingArgs(
            auto_provisioning_defaults=gcp.container.ClusterClusterAutoscalingAutoProvisioningDefaultsArgs(
                service_account=service_account,
                oauth_scopes=SCOPES,
                boot_disk_kms_key=kms_key_id,
            )
        ),
    )


def node_pool(
    parent: pulumi.Resource,
    name: str,
    role: str,
    *,
    cluster: gcp.container.Cluster,
    project: pulumi.Input[str],
    region: str,
    config: gcp.container.NodePoolNodeConfigArgs,
    nodes_per_zone: int | None = None,
    total_nodes: tuple[int, int] | None = None,
    depends_on: Sequence[pulumi.Resource] = (),
) -> gcp.container.NodePool:
    """A pool of a fixed size per zone (`nodes_per_zone`), or autoscaling between
    `total_nodes` (min, max) in all the region's zones together."""
    autoscaling = None
    if total_nodes is not None:
        low, high = total_nodes
        autoscaling = gcp.container.NodePoolAutoscalingArgs(
            total_min_node_count=low, total_max_node_count=high, location_policy="BALANCED"
        )
    return gcp.container.NodePool(
        f"{name}-{role}",
        # Explicit, unique within the cluster: node pool names allow 40 characters.
        name=role,
        project=project,
        cluster=cluster.id,
        location=region,
        node_count=nodes_per_zone,
        # An autoscaling pool starts empty when it may (GPU), else with one node per zone.
        initial_node_count=None if total_nodes is None else min(total_nodes[0], 1),
        autoscaling=autoscaling,
        node_config=config,
        network_config=gcp.container.NodePoolNetworkConfigArgs(enable_private_nodes=True),
        management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
    )
