"""The compute of the Azure ML training component: a cluster that scales to zero and an
optional compute instance for notebooks.

Both run as the workload identity, never the workspace identity: user code gets the workload
identity's roles only, each on one resource and created before the compute: "Storage Blob
Data Contributor" and "Storage File Data Privileged Contributor" on the workspace storage (job
outputs, notebook files) and the no-serving custom role on the workspace (log metrics, register
models; `no_serving_role`: never serve a model, write outbound rules, approve private endpoints
or change schedules). No Contributor, vault or approver role: those stay with the workspace
identity, which holds Contributor on the workspace (granted here, as it needs the
workspace). Both accept Microsoft Entra authentication only (no local keys), have no public
IP and no public SSH port. They live in the workspace's managed network, which the training
component owns whole
(`network`): its rules are written in the workspace and Azure provisions it as it
creates the workspace (`provision_network_now`), so compute only waits for the workspace (it
names it) and for those roles.

The compute instance belongs to one user (`compute_instance_user`, an Entra object id): only
they may use it. The workspace storage takes no shared key, so notebooks and studio's data
browsing reach it as that user: they get "Storage Blob Data Contributor" and "Storage File
Data Privileged Contributor" on it (Microsoft, "Disable shared key access for your workspace's
storage account"), as a user (`principalType` User), before the instance exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pulumi
import pulumi_azure_native as azure_native

from components.azure.shared import common
from components.azure.shared.no_serving_role import assign

if TYPE_CHECKING:
    from pulumi_azure_native.machinelearningservices import Compute

    from components.azure.azureml.args import AzureMlTrainingArgs

ml = azure_native.machinelearningservices

CLUSTER_NAME = "train"
"""Compute name of the cluster (2-16 characters, unique in the workspace)."""
WORKLOAD_STORAGE_ROLES = {
    "workload-storage-blob": "Storage Blob Data Contributor",
    "workload-storage-file": "Storage File Data Privileged Contributor",
}
"""The workload identity's roles on the workspace storage: job outputs, notebook files."""


def workspace_compute(
    name: str,
    args: AzureMlTrainingArgs,
    *,
    workspace_name: pulumi.Input[str],
    workspace_id: pulumi.Input[str],
    storage_id: pulumi.Input[str],
    role_id: pulumi.Input[str],
    parent: pulumi.Resource,
) -> tuple[Compute, Compute | None]:
    """The cluster and the optional instance, running as the workload identity, after its
    roles (see the module doc) and the workspace identity's Contributor on the workspace; the
    instance also after its user's roles on the storage."""
    workload = args.workload_identity_principal_id
    before: list[pulumi.Resource] = [
        common.grant(f"{name}-{suffix}", role=role, scope=storage_id, principal_id=workload,
                     parent=parent)
        for suffix, role in WORKLOAD_STORAGE_ROLES.items()
    ]  # fmt: skip
    before += [
        assign(f"{name}-workload-ml", role_id=role_id, scope=workspace_id,
               principal_id=workload, parent=parent),
        # Microsoft's required role for the workspace identity on the workspace itself.
        common.grant(f"{name}-workspace-contributor", role="Contributor", scope=workspace_id,
                     principal_id=args.identity_principal_id, parent=parent),
    ]  # fmt: skip
    owner = instance_owner(args)
    user_grants = [
        common.grant(f"{name}-instance-user-{suffix.removeprefix('workload-')}", role=role,
                     scope=storage_id, principal_id=owner[0], principal_type="User",
                     parent=parent)
        for suffix, role in WORKLOAD_STORAGE_ROLES.items()
    ] if owner is not None else []  # fmt: skip
    cluster = training_cluster(
        f"{name}-cluster", resource_group_name=args.resource_group_name,
        location=args.location, workspace_name=workspace_name,
        identity_id=args.workload_identity_id,
        vm_size=args.options.vm_size, max_nodes=args.options.max_nodes,
        idle_seconds_before_scale_down=args.options.idle_seconds_before_scale_down,
        low_priority=args.options.low_priority, tags=args.tags, parent=parent, depends_on=before,
    )  # fmt: skip
    if owner is None:
        return cluster, None
    instance = notebook_instance(
        f"{name}-notebook", resource_group_name=args.resource_group_name,
        location=args.location, workspace_name=workspace_name,
        identity_id=args.workload_identity_id, unique_suffix=args.unique_suffix,
        vm_size=args.options.compute_instance_vm_size,
        user_object_id=owner[0], tenant_id=owner[1],
        idle_minutes_before_shutdown=args.options.idle_minutes_before_shutdown, tags=args.tags,
        parent=parent, depends_on=before + user_grants,
    )  # fmt: skip
    return cluster, instance


def instance_owner(args: AzureMlTrainingArgs) -> tuple[str, pulumi.Input[str]] | None:
    """The Entra object id and tenant id of the compute instance's user; None without one."""
    if not args.options.compute_instance:
        return None
    if args.options.compute_instance_user is None or args.tenant_id is None:
        raise ValueError(
            "compute_instance needs compute_instance_user (the Entra object id of the user it "
            "belongs to) and tenant_id"
        )
    return args.options.compute_instance_user, args.tenant_id


def _identity(
    identity_id: pulumi.Input[str],
) -> azure_native.machinelearningservices.ManagedServiceIdentityArgs:
    """Runs as the workload identity: jobs and notebooks get its roles, no keys."""
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
    user_object_id: str,
    tenant_id: pulumi.Input[str],
    idle_minutes_before_shutdown: int,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource],
) -> azure_native.machinelearningservices.Compute:
    """A compute instance of one user that shuts itself down after
    `idle_minutes_before_shutdown` idle.

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
                personal_compute_instance_settings=ml.PersonalComputeInstanceSettingsArgs(
                    assigned_user=ml.AssignedUserArgs(object_id=user_object_id, tenant_id=tenant_id)
                ),
            ),
        ),
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
    )
