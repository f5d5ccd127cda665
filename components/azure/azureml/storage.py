"""The default storage account of the Azure ML training workspace, its private endpoints and
the workspace identity's roles on it (the workload identity's are in `compute`).

Azure ML's default storage must not have a hierarchical namespace. The workspace reaches it with
its identity (`system_datastores_auth_mode` "identity"), which Microsoft documents as working
with shared-key access disabled ("Disable shared key access for your workspace's storage
account"), so the account takes Microsoft Entra authorization only. With a private subnet the
account has no public network access: clients use its blob and file private endpoints, and the
workspace identity needs Reader on those endpoints (Microsoft, "Managed virtual network
isolation": required when the default storage has public network access disabled).

With `customer_managed_key` the account is encrypted with the platform key through the
workspace identity. It names that identity by the foundation's `identity_id`, which resolves
only once the identity may use the key, so Azure never sees the account before that role.
All four services
(blob, file, queue, table) use the account-scoped key, so the platform key covers them all:
queues and tables otherwise keep service-scoped keys, and that scope can only be chosen when
the account is created. In prod, deleted blobs and containers stay recoverable for
`SOFT_DELETE_DAYS` (blob and container soft delete), and so do deleted file shares (share soft
delete): notebooks live on the workspace's Azure Files share, which blob soft delete does not
cover. Share soft delete restores a deleted share, not a file deleted or overwritten inside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi_azure_native as azure_native

from components.azure.shared import common

if TYPE_CHECKING:
    from components.azure.azureml.args import AzureMlTrainingArgs

storage = azure_native.storage

# The workspace identity's, as Microsoft lists them for the storage of a workspace with a
# user-assigned identity: the control plane (containers, file share, datastores: Contributor)
# and blobs (the workspace reaches its system datastores as itself, studio previews data). The
# file share's data (notebooks) and job outputs are the workload identity's (`compute`).
SOFT_DELETE_DAYS = 30
"""How long prod keeps deleted blobs, containers and file shares (the data lake's default
too)."""

STORAGE_ROLES = {
    "storage-contributor": "Contributor",
    "storage-blob": "Storage Blob Data Contributor",
}


def _encryption(args: AzureMlTrainingArgs) -> azure_native.storage.EncryptionArgs:
    """Infrastructure (double) encryption; the platform key through the workspace identity if
    asked."""
    cmk = args.customer_managed_key
    # Queues and tables default to service-scoped keys, which the account's key never covers.
    service = storage.EncryptionServiceArgs(enabled=True, key_type=storage.KeyType.ACCOUNT)
    return storage.EncryptionArgs(
        require_infrastructure_encryption=True,
        services=storage.EncryptionServicesArgs(
            blob=service, file=service, queue=service, table=service
        ),
        key_source=storage.KeySource.MICROSOFT_KEYVAULT
        if cmk
        else storage.KeySource.MICROSOFT_STORAGE,
        key_vault_properties=(
            storage.KeyVaultPropertiesArgs(key_vault_uri=args.key_vault_uri, key_name=args.key_name)
            if cmk
            else None
        ),
        encryption_identity=(
            storage.EncryptionIdentityArgs(encryption_user_assigned_identity=args.identity_id)
            if cmk
            else None
        ),
    )


def workspace_storage(
    name: str, args: AzureMlTrainingArgs, *, parent: pulumi.Resource
) -> tuple[azure_native.storage.StorageAccount, list[pulumi.Resource]]:
    """The account and the role assignments the workspace identity needs on it before the
    workspace is created."""
    private_link = args.subnet_id is not None
    account = storage.StorageAccount(
        f"{name}-storage",
        account_name=pulumi.Output.concat(args.storage_prefix, args.unique_suffix),
        resource_group_name=args.resource_group_name,
        location=args.location,
        kind=storage.Kind.STORAGE_V2,
        sku=storage.SkuArgs(
            name=storage.SkuName.STANDARD_ZRS if args.protect else storage.SkuName.STANDARD_LRS
        ),
        is_hns_enabled=False,
        minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
        enable_https_traffic_only=True,
        allow_blob_public_access=False,
        allow_shared_key_access=False,
        default_to_o_auth_authentication=True,
        allow_cross_tenant_replication=False,
        public_network_access=(
            storage.PublicNetworkAccess.DISABLED
            if private_link
            else storage.PublicNetworkAccess.ENABLED
        ),
        network_rule_set=(
            storage.NetworkRuleSetArgs(
                default_action=storage.DefaultAction.DENY, bypass=storage.Bypass.AZURE_SERVICES
            )
            if private_link
            else None
        ),
        identity=(
            storage.IdentityArgs(
                type=storage.IdentityType.USER_ASSIGNED, user_assigned_identities=[args.identity_id]
            )
            if args.customer_managed_key
            else None
        ),
        encryption=_encryption(args),
        tags=dict(args.tags),
        opts=pulumi.ResourceOptions(
            parent=parent, protect=args.protect, retain_on_delete=args.protect
        ),
    )
    if args.protect:
        # Models and job outputs deleted or overwritten by mistake stay recoverable.
        retention = storage.DeleteRetentionPolicyArgs(enabled=True, days=SOFT_DELETE_DAYS)
        storage.BlobServiceProperties(
            f"{name}-storage-blob-service", account_name=account.name,
            resource_group_name=args.resource_group_name, blob_services_name="default",
            delete_retention_policy=retention, container_delete_retention_policy=retention,
            opts=pulumi.ResourceOptions(parent=parent),
        )  # fmt: skip
        # Notebooks are on the Azure Files share: a deleted share stays recoverable too.
        storage.FileServiceProperties(
            f"{name}-storage-file-service", account_name=account.name,
            resource_group_name=args.resource_group_name, file_services_name="default",
            share_delete_retention_policy=retention, opts=pulumi.ResourceOptions(parent=parent),
        )  # fmt: skip
    grants: list[pulumi.Resource] = [
        common.grant(f"{name}-{suffix}", role=role, scope=account.id,
                     principal_id=args.identity_principal_id, parent=parent)
        for suffix, role in STORAGE_ROLES.items()
    ]  # fmt: skip
    if args.subnet_id is not None:
        for group in ("blob", "file"):
            endpoint = common.private_endpoint(
                f"{name}-storage-{group}-pe", target_id=account.id, group_id=group,
                resource_group_name=args.resource_group_name, location=args.location,
                subnet_id=args.subnet_id, dns_zone_ids=args.dns_zone_ids, tags=args.tags,
                parent=parent,
            )  # fmt: skip
            grants.append(
                common.grant(f"{name}-storage-{group}-pe-reader", role="Reader",
                             scope=endpoint.id, principal_id=args.identity_principal_id,
                             parent=parent)
            )  # fmt: skip
    return account, grants
