"""The MLflow artifact store: a blob container in a storage account of its own.

Held like the platform's other accounts: HTTPS and TLS 1.2 only, no anonymous access, no shared
keys (Entra ID only: the server reaches it by workload identity), double encryption, the
platform key in prod (read through the foundation's workspace identity), blob versioning and
soft delete of blobs and containers. In prod it refuses public networks and answers on a
private endpoint in the cluster's subnet, registered in the foundation's
`privatelink.blob.core.windows.net` zone, which is linked to the foundation's VNet, where the
cluster's nodes run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.azure.shared.common import once, private_endpoint

CONTAINER = "mlflow"
storage = azure_native.storage


@dataclass(frozen=True, kw_only=True)
class Artifacts:
    account: azure_native.storage.StorageAccount
    account_name: pulumi.Output[str]
    container: azure_native.storage.BlobContainer
    destination: pulumi.Output[str]
    """`wasbs://mlflow@<account>.blob.core.windows.net/artifacts`: MLflow's Azure Blob URI."""


def artifacts(
    name: str,
    *,
    account_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    location: str,
    key_vault_uri: pulumi.Input[str] | None,
    key_name: pulumi.Input[str] | None,
    key_identity_id: pulumi.Input[str] | None,
    subnet_id: pulumi.Input[str] | None,
    dns_zone_ids: Mapping[str, pulumi.Input[str]],
    soft_delete_days: int,
    tags: Mapping[str, str],
    protect: bool,
    parent: pulumi.Resource,
) -> Artifacts:
    """The account, its blob service settings, the container and, with `subnet_id`, the
    account's private blob endpoint."""
    child = pulumi.ResourceOptions(parent=parent)
    tags, private = dict(tags), subnet_id is not None
    service = storage.EncryptionServiceArgs(enabled=True, key_type=storage.KeyType.ACCOUNT)
    services = storage.EncryptionServicesArgs(blob=service, file=service, queue=service,
                                              table=service)  # fmt: skip
    identity = None
    if key_vault_uri is not None and key_name is not None and key_identity_id is not None:
        encryption = storage.EncryptionArgs(
            require_infrastructure_encryption=True, services=services,
            key_source=storage.KeySource.MICROSOFT_KEYVAULT,
            # No key version: the account follows the key's rotations.
            key_vault_properties=storage.KeyVaultPropertiesArgs(key_name=key_name,
                                                                key_vault_uri=key_vault_uri),
            encryption_identity=storage.EncryptionIdentityArgs(
                encryption_user_assigned_identity=key_identity_id),
        )  # fmt: skip
        identity = storage.IdentityArgs(type=storage.IdentityType.USER_ASSIGNED,
                                        user_assigned_identities=[key_identity_id])  # fmt: skip
    else:
        encryption = storage.EncryptionArgs(
            require_infrastructure_encryption=True,
            services=services,
            key_source=storage.KeySource.MICROSOFT_STORAGE,
        )
    access = (
        storage.PublicNetworkAccess.DISABLED if private else storage.PublicNetworkAccess.ENABLED
    )
    default = storage.DefaultAction.DENY if private else storage.DefaultAction.ALLOW
    account = storage.StorageAccount(
        f"{name}-artifacts",
        account_name=account_name,
        resource_group_name=resource_group_name,
        location=location,
        kind=storage.Kind.STORAGE_V2,
        sku=storage.SkuArgs(name="Standard_ZRS" if protect else "Standard_LRS"),
        access_tier=storage.AccessTier.HOT,
        minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
        enable_https_traffic_only=True,
        allow_blob_public_access=False,
        allow_shared_key_access=False,
        default_to_o_auth_authentication=True,
        allow_cross_tenant_replication=False,
        encryption=encryption,
        identity=identity,
        public_network_access=access,
        network_rule_set=storage.NetworkRuleSetArgs(
            default_action=default, bypass=storage.Bypass.AZURE_SERVICES
        ),
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=protect),
    )
    named = once(account_name, account)
    retention = storage.DeleteRetentionPolicyArgs(enabled=True, days=soft_delete_days)
    storage.BlobServiceProperties(
        f"{name}-artifacts-blob-service", account_name=named,
        resource_group_name=resource_group_name, blob_services_name="default",
        is_versioning_enabled=True, delete_retention_policy=retention,
        container_delete_retention_policy=retention, opts=child,
    )  # fmt: skip
    container = storage.BlobContainer(
        f"{name}-artifacts-container", account_name=named,
        resource_group_name=resource_group_name, container_name=CONTAINER,
        public_access=storage.PublicAccess.NONE, opts=child,
    )  # fmt: skip
    if subnet_id is not None:
        private_endpoint(f"{name}-artifacts-blob-endpoint", target_id=account.id, group_id="blob",
                         resource_group_name=resource_group_name, location=location,
                         subnet_id=subnet_id, dns_zone_ids=dns_zone_ids, tags=tags,
                         parent=parent)  # fmt: skip
    destination = pulumi.Output.concat(
        "wasbs://", once(CONTAINER, container), "@", named, ".blob.core.windows.net/artifacts"
    )
    return Artifacts(account=account, account_name=named, container=container,
                     destination=destination)  # fmt: skip
