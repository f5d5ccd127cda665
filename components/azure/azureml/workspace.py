"""The Azure ML workspace resource of the training component and the workspace identity's
roles on the workspace's other dependencies (storage: `storage`; network targets:
`network`).

The workspace runs as the foundation's workspace identity (its primary identity) and is
created once that identity holds its roles on the dependencies, since Azure checks its access
as it creates it. The workload identity is attached to the workspace as well, but only runs
user code: serverless Spark jobs (the model monitor's drift signals) run as a user-assigned
identity attached to the workspace ("Submit Spark jobs in Azure Machine Learning"), with that
identity's roles (the lake, the workspace storage, AzureML Data Scientist on the workspace).

Its managed network is provisioned as the workspace is created (`provision_network_now`), in
dev (internet outbound) and prod (approved outbound only) alike: Microsoft, "Managed virtual
network isolation": an online deployment cannot be created until the managed network is
provisioned (manually, or by a compute instance). The endpoint and its deployment name the
workspace, so they come after it, and so after the network. In dev no dependency is private, so
internet-outbound provisioning creates no private endpoint: nothing billed before use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi_azure_native as azure_native

from components.azure.azureml.compute import CLUSTER_NAME
from components.azure.azureml.network import managed_network
from components.azure.shared import common

if TYPE_CHECKING:
    from pulumi_azure_native.machinelearningservices import Workspace

    from components.azure.azureml.args import AzureMlTrainingArgs

ml = azure_native.machinelearningservices


def workspace_grants(
    name: str, args: AzureMlTrainingArgs, *, parent: pulumi.Resource
) -> list[pulumi.Resource]:
    """The workspace identity's roles on the vault, the container registry and Application
    Insights, as Microsoft requires them for a workspace with a user-assigned identity ("Set
    up authentication between Azure Machine Learning and other services"): Contributor on
    each, and Key Vault Administrator on the vault (RBAC permission model). Contributor also
    approves the managed network's private endpoints to them, so no approver role is needed
    there. The foundation's Key Vault Secrets Officer on the vault stays (`identity_id` waits
    for it, and a second identical assignment would be refused). Contributor on the workspace
    itself needs the workspace: `compute` grants it, and compute waits for it. All
    control plane: the workload identity gets none of them."""
    roles = (
        ("vault-contributor", "Contributor", args.key_vault_id),
        ("vault-administrator", "Key Vault Administrator", args.key_vault_id),
        ("registry-contributor", "Contributor", args.acr_id),
        ("insights-contributor", "Contributor", args.app_insights_id),
    )
    return [
        common.grant(f"{name}-{suffix}", role=role, scope=scope,
                     principal_id=args.identity_principal_id, parent=parent)
        for suffix, role, scope in roles
    ]  # fmt: skip


BLOB_WRITER = "Storage Blob Data Contributor"
SERVING_ROLES = (
    ("serving-acr-pull", "AcrPull"),
    ("serving-storage-contributor", BLOB_WRITER),
    ("serving-metrics-writer", "AzureML Metrics Writer (preview)"),
)
"""The serving identity's roles, in the order of their scopes in `serving_access`."""

BLOB_WRITES = ("blobs/write", "blobs/add/action", "blobs/delete", "blobs/move/action")
COLLECTOR_WRITES_ONLY = (
    "(("
    + " AND ".join("!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/"
                   f"{action}'}})" for action in BLOB_WRITES)
    + ") OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] "
    "StringStartsWith 'modelDataCollector/'))"
)  # fmt: skip
"""Azure ABAC condition on the serving identity's storage role: it reads every blob (the model
files) but writes blobs only where the data collector writes (`modelDataCollector/...` in the
workspace's blob store), so a compromised model server cannot rewrite models or the metrics
the quality gate reads ("Example Azure role assignment conditions for Blob Storage"). A
condition covers blob data actions only: the role's container actions (create or delete a
container) stay open; a custom role without them would close that (README, known limits)."""


def serving_access(
    name: str,
    args: AzureMlTrainingArgs,
    *,
    workspace_id: pulumi.Input[str],
    storage_id: pulumi.Input[str],
    parent: pulumi.Resource,
) -> pulumi.Output[str]:
    """The serving identity's roles, as Microsoft documents them for an online endpoint that
    runs as a user-assigned identity: AcrPull on the workspace's container registry, Storage
    Blob Data Contributor on its storage and AzureML Metrics Writer on the workspace. The
    storage role writes: the deployment's data collector writes the production data to
    workspaceblobstore as the endpoint's identity ("Collect production data from models
    deployed for real-time inferencing": Storage Blob Data Contributor on the destination;
    a system-assigned endpoint identity is given it automatically, a user-assigned one is
    not), besides reading the model files. Nothing that writes images, registers models or
    touches the lake. Returns the identity's id, known once those roles exist (an endpoint
    naming it waits for them)."""
    scopes = (args.acr_id, storage_id, workspace_id)
    grants = [
        common.grant(f"{name}-{suffix}", role=role, scope=scope,
                     principal_id=args.serving_identity_principal_id, parent=parent,
                     condition=COLLECTOR_WRITES_ONLY if role == BLOB_WRITER else None)
        for (suffix, role), scope in zip(SERVING_ROLES, scopes, strict=True)
    ]  # fmt: skip
    return common.once(args.serving_identity_id, *grants)


def workspace(
    name: str,
    args: AzureMlTrainingArgs,
    *,
    storage: azure_native.storage.StorageAccount,
    grants: list[pulumi.Resource],
    parent: pulumi.Resource,
) -> Workspace:
    """The workspace, running as the workspace identity, created once that identity holds
    its roles on the dependencies and on the managed network's targets; Azure provisions the
    managed network with it (see the module doc)."""
    access = ml.PublicNetworkAccessType
    return ml.Workspace(
        f"{name}-workspace",
        workspace_name=args.workspace_name,
        friendly_name=args.workspace_name,
        description="opsblocks: training workspace",
        resource_group_name=args.resource_group_name,
        location=args.location,
        kind="Default",
        sku=ml.SkuArgs(name="Basic", tier=ml.SkuTier.BASIC),
        # The workload identity is attached too: serverless Spark (the model monitor) runs
        # only as an identity attached to the workspace. The workspace acts as its own.
        identity=ml.ManagedServiceIdentityArgs(
            type=ml.ManagedServiceIdentityType.USER_ASSIGNED,
            user_assigned_identities=[args.identity_id, args.workload_identity_id],
        ),
        primary_user_assigned_identity=args.identity_id,
        storage_account=storage.id,
        key_vault=args.key_vault_id,
        application_insights=args.app_insights_id,
        container_registry=args.acr_id,
        system_datastores_auth_mode=ml.SystemDatastoresAuthMode.IDENTITY,
        public_network_access=access.DISABLED if args.private else access.ENABLED,
        managed_network=managed_network(args),
        # Provisioned now, rules included, before any compute, datastore or endpoint (they
        # name the workspace): Azure refuses online deployments before (see the module doc).
        provision_network_now=True,
        # A private registry cannot build images with ACR Tasks (see the training module doc).
        image_build_compute=CLUSTER_NAME,
        v1_legacy_mode=False,
        tags=dict(args.tags),
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=grants,
            protect=args.protect,
            retain_on_delete=args.protect,
        ),
    )
