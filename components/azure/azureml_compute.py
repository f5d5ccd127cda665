"""The compute of the Azure ML training component: a cluster that scales to zero, and an
optional compute instance for notebooks.

Both run as the platform's user-assigned identity, accept Microsoft Entra authentication only
(no local keys), have no public IP and no public SSH port. They live in the workspace's managed
network, which the workspace configures (its isolation mode decides what they may reach).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_azure_native as azure_native

ml = azure_native.machinelearningservices

CLUSTER_NAME = "train"
"""Compute name of the cluster (2-16 characters, unique in the workspace)."""


def _identity(
    identity_id: pulumi.Input[str],
) -> azure_native.machinelearningservices.ManagedServiceIdentityArgs:
    """Runs as the platform's identity: jobs and notebooks get its roles, no keys."""
    return ml.ManagedServiceIdentityArgs(
        type=ml.ManagedServiceIdentityType.USER_ASSIGNED, user_assigned_identities=[identity_id]
    )


def training_cluster(
    name: str,
    *,
    resource_group_name: pulumi.Input[str],
    location: str,
    workspace_name: pulumi.Input[str],
    identity_id: pulumi.Input[str],
    vm_size: str,
    max_nodes: int,
    idle_seconds_before_scale_down: int,
    low_priority: bool,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource],
) -> azure_native.machinelearningservices.Compute:
    """An AmlCompute cluster: no node while idle, at most `max_nodes` while jobs run."""
    return ml.Compute(
        name,
        resource_group_name=resource_group_name,
        workspace_name=workspace_name,
        compute_name=CLUSTER_NAME,
        location=location,
        identity=_identity(identity_id),
        properties=ml.AmlComputeArgs(
            compute_type="AmlCompute",
            description="opsblocks: training cluster",
            disable_local_auth=True,
            properties=ml.AmlComputePropertiesArgs(
                vm_size=vm_size,
                vm_priority=ml.VmPriority.LOW_PRIORITY if low_priority else ml.VmPriority.DEDICATED,
                os_type=ml.OsType.LINUX,
                scale_settings=ml.ScaleSettingsArgs(
                    min_node_count=0,
                    max_node_count=max_nodes,
                    node_idle_time_before_scale_down=f"PT{idle_seconds_before_scale_down}S",
                ),
                enable_node_public_ip=False,
                remote_login_port_public_access=ml.RemoteLoginPortPublicAccess.DISABLED,
            ),
        ),
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
    )


def notebook_instance(
    name: str,
    *,
    resource_group_name: pulumi.Input[str],
    location: str,
    workspace_name: pulumi.Input[str],
    unique_suffix: pulumi.Input[str],
    identity_id: pulumi.Input[str],
    vm_size: str,
    idle_minutes_before_shutdown: int,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource],
) -> azure_native.machinelearningservices.Compute:
    """A compute instance that shuts itself down after `idle_minutes_before_shutdown` idle.

    Its name must be unique in the region (3-24 characters): `nb-` and the blueprint's suffix.
    """
    return ml.Compute(
        name,
        resource_group_name=resource_group_name,
        workspace_name=workspace_name,
        compute_name=pulumi.Output.concat("nb-", unique_suffix),
        location=location,
        identity=_identity(identity_id),
        properties=ml.ComputeInstanceArgs(
            compute_type="ComputeInstance",
            description="opsblocks: notebook instance",
            disable_local_auth=True,
            properties=ml.ComputeInstancePropertiesArgs(
                vm_size=vm_size,
                enable_node_public_ip=False,
                ssh_settings=ml.ComputeInstanceSshSettingsArgs(
                    ssh_public_access=ml.SshPublicAccess.DISABLED
                ),
                idle_time_before_shutdown=f"PT{idle_minutes_before_shutdown}M",
            ),
        ),
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
    )
