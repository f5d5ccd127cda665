"""Data capability on Azure: an ADLS Gen2 data lake (containers `raw` and `curated`) and the
Azure ML datastores that point at it.

The storage account has a hierarchical namespace (ADLS Gen2), accepts TLS 1.2 over HTTPS only,
no anonymous access and no shared keys: every client authenticates with Entra ID. The platform
identity gets "Storage Blob Data Contributor" on the account and nothing wider. Data is encrypted
twice (infrastructure encryption), with the foundation's key when `customer_managed_key`.
With a `subnet_id` the account is reachable only through private endpoints (blob and dfs).
With a `workspace_name` too (private platform), the workspace's managed network gets
private-endpoint outbound rules to blob and dfs (Spark included): the lake refuses public
traffic, so without them jobs and serverless Spark cannot read it. The identity the workspace
runs as approves them ("Azure AI Enterprise Network Connection Approver", on the account only).

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

from components.azure.common import grant, private_endpoint

CONTAINERS = ("raw", "curated")
LAKE_GROUPS = ("blob", "dfs")  # the sub-resources clients reach the lake through
OUTPUTS = ("account_name", "account_id", "raw_container", "curated_container", "data_uri",
           "datastore_names")  # fmt: skip
storage = azure_native.storage
ml = azure_native.machinelearningservices
# Lets the workspace's identity approve the managed network's private endpoints to the lake.
NETWORK_APPROVER = "Azure AI Enterprise Network Connection Approver"


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
    """The platform identity: it reads and writes the lake."""
    customer_managed_key: bool = False
    key_vault_uri: pulumi.Input[str] | None = None
    key_name: pulumi.Input[str] | None = None
    identity_id: pulumi.Input[str] | None = None
    """User-assigned identity the account reaches the key with (customer_managed_key)."""
    subnet_id: pulumi.Input[str] | None = None
    """Private endpoints here and no public network access; None: public, firewall Allow."""
    dns_zone_ids: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    workspace_name: pulumi.Input[str] | None = None
    """Azure ML workspace to register the `raw` and `curated` datastores in (and, with a
    `subnet_id`, to give outbound rules to the lake); None: none."""
    protect: bool = False
    """Protect and retain the storage account (prod)."""
    cool_after_days: int = 30
    soft_delete_days: int = 30
    redundancy: str | None = None
    """LRS, ZRS, GRS or GZRS; None: ZRS when protected (prod), LRS otherwise."""


def _check(args: AzureAdlsDataArgs) -> None:
    if not re.fullmatch(r"[a-z0-9]{1,18}", args.account_prefix):
        raise ValueError(
            f"account_prefix {args.account_prefix!r} must be 1-18 lowercase letters or digits "
            "(storage account names are 3-24 lowercase alphanumerics, suffix included)"
        )
    missing = [n for n in ("key_vault_uri", "key_name", "identity_id") if getattr(args, n) is None]
    if args.customer_managed_key and missing:
        raise ValueError(f"customer_managed_key needs {', '.join(missing)}")


def _once(resource: pulumi.CustomResource, value: pulumi.Input[str]) -> pulumi.Output[str]:
    """`value`, known once `resource` exists: a name that waits for what it names."""
    return pulumi.Output.all(resource.id, value).apply(lambda found: str(found[1]))


def _encryption(
    args: AzureAdlsDataArgs,
) -> tuple[azure_native.storage.EncryptionArgs, azure_native.storage.IdentityArgs | None]:
    """The account's encryption and the identity it reaches the key with (none without one)."""
    service = storage.EncryptionServiceArgs(enabled=True, key_type=storage.KeyType.ACCOUNT)
    services = storage.EncryptionServicesArgs(blob=service, file=service)
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
    datastore_names: list[str]
    """Azure ML datastores registered in the workspace (`raw`, `curated`), or none."""

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
        redundancy = args.redundancy or ("ZRS" if args.protect else "LRS")
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
        account_name = _once(account, pulumi.Output.concat(args.account_prefix, args.unique_suffix))
        group = args.resource_group_name
        retention = storage.DeleteRetentionPolicyArgs(enabled=True, days=args.soft_delete_days)
        # No is_versioning_enabled / change_feed: not supported on HNS accounts (module docstring).
        storage.BlobServiceProperties(f"{name}-blob-service", account_name=account_name,
                                      resource_group_name=group, blob_services_name="default",
                                      delete_retention_policy=retention,
                                      container_delete_retention_policy=retention,
                                      opts=child)  # fmt: skip
        cool = storage.DateAfterModificationArgs(
            days_after_modification_greater_than=args.cool_after_days
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
        names = {c: _once(resource, c) for c, resource in containers.items()}
        grant(f"{name}-data-contributor", role="Storage Blob Data Contributor", scope=account.id,
              principal_id=args.identity_principal_id, parent=self)  # fmt: skip

        if args.subnet_id is not None:
            for group_id in LAKE_GROUPS:
                private_endpoint(f"{name}-{group_id}-endpoint", target_id=account.id,
                                 group_id=group_id, resource_group_name=group,
                                 location=args.location, subnet_id=args.subnet_id,
                                 dns_zone_ids=args.dns_zone_ids, tags=tags,
                                 parent=self)  # fmt: skip

        datastores: list[str] = []
        if args.workspace_name is not None:
            subscription = account.id.apply(lambda arm_id: arm_id.split("/")[2])
            by_identity = ml.ServiceDataAccessAuthIdentity.WORKSPACE_USER_ASSIGNED_IDENTITY
            for container in CONTAINERS:
                ml.Datastore(
                    f"{name}-{container}-datastore", name=container,
                    workspace_name=args.workspace_name, resource_group_name=group,
                    properties=ml.AzureDataLakeGen2DatastoreArgs(
                        datastore_type="AzureDataLakeGen2", account_name=account_name,
                        filesystem=names[container], subscription_id=subscription,
                        resource_group=group,
                        # Identity-based: no key or SAS is stored in the workspace.
                        credentials=ml.NoneDatastoreCredentialsArgs(credentials_type="None"),
                        service_data_access_auth_identity=by_identity,
                        description=f"opsblocks {name}: the {container} container of the lake",
                        tags=tags),
                    opts=child,
                )  # fmt: skip
                datastores.append(container)
            if args.subnet_id is not None:
                self._outbound_rules(name, args, account.id)

        self.account_name = account_name
        self.account_id = account.id
        self.raw_container = names["raw"]
        self.curated_container = names["curated"]
        self.data_uri = pulumi.Output.concat(
            "abfss://", names["curated"], "@", account_name, ".dfs.core.windows.net/"
        )
        self.datastore_names = datastores
        self.register_outputs({output: getattr(self, output) for output in OUTPUTS})

    def _outbound_rules(
        self, name: str, args: AzureAdlsDataArgs, account_id: pulumi.Output[str]
    ) -> None:
        """Private endpoints from the workspace's managed network to the lake, once the identity
        the workspace runs as may approve them; one rule at a time on the one managed network."""
        after: list[pulumi.Resource] = [
            grant(f"{name}-network-approver", role=NETWORK_APPROVER, scope=account_id,
                  principal_id=args.identity_principal_id, parent=self)]  # fmt: skip
        for group_id in LAKE_GROUPS:
            destination = ml.PrivateEndpointDestinationArgs(
                service_resource_id=account_id, subresource_target=group_id, spark_enabled=True
            )
            after = [ml.ManagedNetworkSettingsRule(
                f"{name}-{group_id}-outbound", resource_group_name=args.resource_group_name,
                workspace_name=args.workspace_name, rule_name=f"data-lake-{group_id}",
                properties=ml.PrivateEndpointOutboundRuleArgs(
                    type="PrivateEndpoint", category=ml.RuleCategory.USER_DEFINED,
                    destination=destination),
                opts=pulumi.ResourceOptions(parent=self, depends_on=after),
            )]  # fmt: skip
