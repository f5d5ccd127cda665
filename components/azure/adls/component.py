"""Data capability on Azure: an ADLS Gen2 data lake with the containers `raw` and `curated`.

The storage account has a hierarchical namespace (ADLS Gen2), accepts TLS 1.2 over HTTPS only,
no anonymous access and no shared keys: every client authenticates with Entra ID. The identity
that reads and writes the lake (`identity_principal_id`, the workload identity that jobs and
Spark run as) gets "Storage Blob Data Contributor" on the account, and the one that only reads
it (`reader_principal_id`, the workspace identity Azure ML datastores read through) "Storage
Blob Data Reader"; nothing wider. Data is encrypted twice (infrastructure encryption), with the
foundation's key, read through the workspace identity (`identity_id`), when
`customer_managed_key`; all
four services use the account-scoped key, so the key covers queues and tables too (their scope
can only be chosen when the account is created). With a `subnet_id` the account is reachable
only through private endpoints (blob and dfs).

The Azure ML side of the lake belongs to the training capability, which owns the workspace and
its managed network: it registers the containers as datastores and, in prod, gives the managed
network its private-endpoint outbound rules to the lake (`azureml/network.py`). Nothing
here writes to the workspace.

Blob versioning is NOT enabled: Azure documents it, and the change feed, as not supported (at
most preview) on accounts with a hierarchical namespace ("Blob Storage feature support in Azure
Storage accounts", HNS column). Deleted data is recoverable through blob and container soft
delete (`soft_delete_days`) instead; the lifecycle policy only tiers to Cool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

from components.azure.adls.options import AdlsOptions
from components.azure.shared.common import grant, once, private_endpoint

CONTAINERS = ("raw", "curated")
LAKE_GROUPS = ("blob", "dfs")  # the sub-resources clients reach the lake through
OUTPUTS = ("account_name", "account_id", "raw_container", "curated_container", "data_uri")
storage = azure_native.storage


@dataclass(frozen=True, kw_only=True)
class AzureAdlsDataArgs:
    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    location: str
    unique_suffix: pulumi.Input[str]
    """Six lowercase hex characters: the account name is `account_prefix + unique_suffix`."""
    account_prefix: str
    """Lowercase letters and digits, at most 18, so the account name has 3-24 characters."""
    identity_principal_id: pulumi.Input[str]
    """Entra object id of the principal that reads and writes the lake ("Storage Blob Data
    Contributor"): the workload identity."""
    reader_principal_id: pulumi.Input[str] | None = None
    """Entra object id of a principal that only reads the lake ("Storage Blob Data Reader"):
    the workspace identity, which identity-based datastores read through. None: no reader."""
    customer_managed_key: bool = False
    key_vault_uri: pulumi.Input[str] | None = None
    key_name: pulumi.Input[str] | None = None
    identity_id: pulumi.Input[str] | None = None
    """User-assigned identity the account reads the key with (customer_managed_key): the
    workspace identity, which holds the key's role; never the workload identity."""
    subnet_id: pulumi.Input[str] | None = None
    """Private endpoints here and no public network access; None: public, firewall Allow."""
    dns_zone_ids: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    protect: bool = False
    """Protect and retain the storage account (prod)."""
    options: AdlsOptions = field(default_factory=AdlsOptions)
    """The tool's options, as the blueprint gave them (validated)."""


def _check(args: AzureAdlsDataArgs) -> None:
    if not re.fullmatch(r"[a-z0-9]{1,18}", args.account_prefix):
        raise ValueError(
            f"account_prefix {args.account_prefix!r} must be 1-18 lowercase letters or digits "
            "(storage account names are 3-24 lowercase alphanumerics, suffix included)"
        )
    missing = [n for n in ("key_vault_uri", "key_name", "identity_id") if getattr(args, n) is None]
    if args.customer_managed_key and missing:
        raise ValueError(f"customer_managed_key needs {', '.join(missing)}")


def _encryption(
    args: AzureAdlsDataArgs,
) -> tuple[azure_native.storage.EncryptionArgs, azure_native.storage.IdentityArgs | None]:
    """The account's encryption and the identity it reaches the key with (none without one)."""
    # Queues and tables default to service-scoped keys, which the account's key never covers.
    service = storage.EncryptionServiceArgs(enabled=True, key_type=storage.KeyType.ACCOUNT)
    services = storage.EncryptionServicesArgs(blob=service, file=service, queue=service,
                                              table=service)  # fmt: skip
    if not args.customer_managed_key or args.identity_id is None:
        platform = storage.KeySource.MICROSOFT_STORAGE
        return storage.EncryptionArgs(require_infrastructure_encryption=True, services=services,
                                      key_source=platform), None  # fmt: skip
    identity = storage.IdentityArgs(
        type=storage.IdentityType.USER_ASSIGNED, user_assigned_identities=[args.identity_id]
    )
    return storage.EncryptionArgs(
        require_infrastructure_encryption=True,
        services=services,
        key_source=storage.KeySource.MICROSOFT_KEYVAULT,
        # No key version: the account follows the key's rotation.
        key_vault_properties=storage.KeyVaultPropertiesArgs(
            key_name=args.key_name, key_vault_uri=args.key_vault_uri
        ),
        encryption_identity=storage.EncryptionIdentityArgs(
            encryption_user_assigned_identity=args.identity_id
        ),
    ), identity


class AzureAdlsData(pulumi.ComponentResource):
    account_name: pulumi.Output[str]
    """Storage account name (`account_prefix + unique_suffix`)."""
    account_id: pulumi.Output[str]
    raw_container: pulumi.Output[str]
    """`raw`: landing zone of ingested data."""
    curated_container: pulumi.Output[str]
    """`curated`: cleaned data that training reads."""
    data_uri: pulumi.Output[str]
    """`abfss://curated@<account>.dfs.core.windows.net/`."""

    def __init__(
        self, name: str, args: AzureAdlsDataArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _check(args)  # before registering anything
        super().__init__("opsblocks:index:AzureAdlsData", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        private, public_access = args.subnet_id is not None, storage.PublicNetworkAccess
        access = public_access.DISABLED if private else public_access.ENABLED
        action = storage.DefaultAction.DENY if private else storage.DefaultAction.ALLOW
        redundancy = args.options.redundancy or ("ZRS" if args.protect else "LRS")
        encryption, identity = _encryption(args)

        account = storage.StorageAccount(
            f"{name}-account",
            account_name=pulumi.Output.concat(args.account_prefix, args.unique_suffix),
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind=storage.Kind.STORAGE_V2,
            sku=storage.SkuArgs(name=f"Standard_{redundancy}"),
            access_tier=storage.AccessTier.HOT,
            is_hns_enabled=True,
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
                default_action=action, bypass=storage.Bypass.AZURE_SERVICES
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, retain_on_delete=args.protect
            ),
        )
        account_name = once(pulumi.Output.concat(args.account_prefix, args.unique_suffix), account)
        group = args.resource_group_name
        retention = storage.DeleteRetentionPolicyArgs(
            enabled=True, days=args.options.soft_delete_days
        )
        # No is_versioning_enabled / change_feed: not supported on HNS accounts (module docstring).
        storage.BlobServiceProperties(f"{name}-blob-service", account_name=account_name,
                                      resource_group_name=group, blob_services_name="default",
                                      delete_retention_policy=retention,
                                      container_delete_retention_policy=retention,
                                      opts=child)  # fmt: skip
        cool = storage.DateAfterModificationArgs(
            days_after_modification_greater_than=args.options.cool_after_days
        )
        rule = storage.ManagementPolicyRuleArgs(
            name="tier-to-cool", type=storage.RuleType.LIFECYCLE, enabled=True,
            definition=storage.ManagementPolicyDefinitionArgs(
                filters=storage.ManagementPolicyFilterArgs(blob_types=["blockBlob"]),
                actions=storage.ManagementPolicyActionArgs(
                    base_blob=storage.ManagementPolicyBaseBlobArgs(tier_to_cool=cool)),
            ),
        )  # fmt: skip
        storage.ManagementPolicy(f"{name}-lifecycle", account_name=account_name,
                                 resource_group_name=group, management_policy_name="default",
                                 policy=storage.ManagementPolicySchemaArgs(rules=[rule]),
                                 opts=child)  # fmt: skip
        containers = {
            container: storage.BlobContainer(f"{name}-{container}", account_name=account_name,
                                             resource_group_name=group, container_name=container,
                                             public_access=storage.PublicAccess.NONE, opts=child)
            for container in CONTAINERS
        }  # fmt: skip
        names = {c: once(c, resource) for c, resource in containers.items()}
        grant(f"{name}-data-contributor", role="Storage Blob Data Contributor", scope=account.id,
              principal_id=args.identity_principal_id, parent=self)  # fmt: skip
        if args.reader_principal_id is not None:
            grant(f"{name}-data-reader", role="Storage Blob Data Reader", scope=account.id,
                  principal_id=args.reader_principal_id, parent=self)  # fmt: skip

        if args.subnet_id is not None:
            for group_id in LAKE_GROUPS:
                private_endpoint(f"{name}-{group_id}-endpoint", target_id=account.id,
                                 group_id=group_id, resource_group_name=group,
                                 location=args.location, subnet_id=args.subnet_id,
                                 dns_zone_ids=args.dns_zone_ids, tags=tags,
                                 parent=self)  # fmt: skip

        self.account_name = account_name
        self.account_id = account.id
        self.raw_container = names["raw"]
        self.curated_container = names["curated"]
        self.data_uri = pulumi.Output.concat(
            "abfss://", names["curated"], "@", account_name, ".dfs.core.windows.net/"
        )
        self.register_outputs({output: getattr(self, output) for output in OUTPUTS})
