"""The Azure foundation every capability shares: resource group, identities, key, logs, network.

Once per blueprint: the resource group; three user-assigned managed identities (`identities`):
the workspace identity (`identity_*`), which may use the key and manage the vault's secrets
(Azure ML workspaces keep theirs there), the workload identity (`workload_identity_*`) user
code runs as, and the serving identity (`serving_identity_*`) online endpoints run as; a Key
Vault (RBAC authorization, firewall denying all but trusted Azure services, audit log to Log
Analytics) holding an RSA key rotated every 90 days, the customer-managed key of every store;
a Log Analytics workspace and a workspace-based Application Insights; with `private_network`
(prod) a VNet with a `private-endpoints` subnet behind an NSG, a private DNS zone per service
(`common.PRIVATE_DNS_ZONES`) linked to it, and the vault's private endpoint (the vault then
refuses public traffic). Compute needs no subnet here: it lives in the Azure ML workspace's
managed network.

Azure checks a store's access to the key, and a workspace's to the vault, when it creates
them. So `identity_id` resolves only once the workspace identity holds "Key Vault Crypto Service
Encryption User" on the key and "Key Vault Secrets Officer" on the vault: every resource
naming the identity (encryption identity, workspace identity) waits for both grants. No other
component grants them again (Azure refuses an identical assignment: RoleAssignmentExists).

`unique_suffix` is the first 6 hex characters of sha256(lower-cased resource group id), like
Bicep's `uniqueString(resourceGroup().id)`: globally unique names are `<prefix><suffix>`.

With `protect` (prod) the vault has purge protection, which customer-managed keys require
(storage and Azure ML refuse a key in a vault without it), and keeps deleted objects 90 days;
a deleted vault's name then stays taken 90 days (recover the vault rather than recreate it).
Without (dev) it has no purge protection and the minimum retention, 7 days, but a destroy
still leaves it soft-deleted under its deterministic name: within those 7 days purge it
before the next `up` (`az keyvault purge --name <vault>`). Use the key as a CMK only with
`protect`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.azure.shared import common
from components.azure.shared.identities import platform_identities
from components.azure.shared.private_network import private_network

KEY_NAME = "platform-cmk"
# + 6 hex characters: 3-24 in all; Key Vault refuses consecutive hyphens.
VAULT_PREFIX = re.compile(r"^(?!.*--)[a-z][a-z0-9-]{0,17}$")
OUTPUTS = ("resource_group_name", "resource_group_id", "location", "unique_suffix", "tenant_id",
           "subscription_id", "identity_id", "identity_principal_id", "identity_client_id",
           "workload_identity_id", "workload_identity_principal_id", "workload_identity_client_id",
           "serving_identity_id", "serving_identity_principal_id", "serving_identity_client_id",
           "key_vault_id", "key_vault_name", "key_vault_uri", "key_name", "key_uri", "key_id",
           "log_workspace_id", "app_insights_id", "subnet_id", "dns_zone_ids")  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AzureFoundationArgs:
    tags: Mapping[str, str]
    location: str
    resource_group_name: str
    """Explicit name of the resource group, e.g. `fraud-prod`."""
    key_vault_prefix: str
    """Vault name = prefix + unique_suffix, e.g. `fraud-a1b2c3` (at most 18 characters)."""
    protect: bool = False
    """Protect and retain the resource group, the vault, its key and the log workspace; purge
    protection and 90 days of soft delete on the vault (7 days and no purge protection
    otherwise)."""
    log_retention_days: int = 30
    private_network: bool = False
    """VNet, private DNS zones and the vault's private endpoint; vault public access off."""
    vnet_cidr: str = "10.20.0.0/16"


def unique_suffix(resource_group_id: str) -> str:
    """6 hex characters derived from a resource group id (case-insensitive, like ARM ids)."""
    return hashlib.sha256(resource_group_id.lower().encode()).hexdigest()[:6]


class AzureFoundation(pulumi.ComponentResource):
    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    location: str
    unique_suffix: pulumi.Output[str]
    """6 lowercase hex characters appended to globally unique names (see the module doc)."""
    tenant_id: pulumi.Output[str]
    subscription_id: pulumi.Output[str]
    identity_id: pulumi.Output[str]
    """ARM id of the workspace identity: the Azure ML workspace's control-plane identity and
    the one storage reads the customer-managed key with; it runs no user code. Resolved only
    once it holds its roles on the key and the vault: whatever names it waits."""
    identity_principal_id: pulumi.Output[str]
    """Entra object id of the workspace identity."""
    identity_client_id: pulumi.Output[str]
    """Client id of the workspace identity."""
    workload_identity_id: pulumi.Output[str]
    """ARM id of the workload identity (`<name>-workload`): cluster jobs, notebooks and Spark
    run as it. No role on the key or the vault."""
    workload_identity_principal_id: pulumi.Output[str]
    """Entra object id of the workload identity: what data-access grants name."""
    workload_identity_client_id: pulumi.Output[str]
    """Client id of the workload identity (`AZURE_CLIENT_ID` in user code)."""
    serving_identity_id: pulumi.Output[str]
    """ARM id of the serving identity (`<name>-serving`): online endpoints run as it, and the
    CI/CD deploy identity must be allowed to assign it. No role here."""
    serving_identity_principal_id: pulumi.Output[str]
    serving_identity_client_id: pulumi.Output[str]
    key_vault_id: pulumi.Output[str]
    key_vault_name: pulumi.Output[str]
    key_vault_uri: pulumi.Output[str]
    """`https://<vault>.vault.azure.net/`: with `key_name`, what CMK settings take."""
    key_name: pulumi.Output[str]
    key_uri: pulumi.Output[str]
    """Versionless key URI: services follow the key's rotations."""
    key_id: pulumi.Output[str]
    """ARM id of the key; the workspace identity holds Key Vault Crypto Service Encryption User
    on it."""
    log_workspace_id: pulumi.Output[str]
    app_insights_id: pulumi.Output[str]
    subnet_id: pulumi.Output[str] | None
    """The private-endpoints subnet; None without `private_network`."""
    dns_zone_ids: dict[str, pulumi.Output[str]]
    """Private DNS zone id per private-endpoint group id; empty without `private_network`."""

    def __init__(
        self, name: str, args: AzureFoundationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AzureFoundation", name, {}, opts)
        if not VAULT_PREFIX.match(args.key_vault_prefix):
            raise ValueError(
                f"key_vault_prefix {args.key_vault_prefix!r}: a lowercase letter, then at most "
                "17 lowercase letters, digits or hyphens (the vault name is 3-24 characters)"
            )
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        tags = dict(args.tags)
        kv = azure_native.keyvault

        group = azure_native.resources.ResourceGroup(
            f"{name}-resource-group", resource_group_name=args.resource_group_name,
            location=args.location, tags=tags, opts=stateful,
        )  # fmt: skip
        rg = group.name
        suffix = group.id.apply(unique_suffix)
        config = azure_native.authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )

        ids = platform_identities(name, resource_group_name=rg, location=args.location,
                                  tags=tags, parent=self)  # fmt: skip
        identity, workload, serving = ids.workspace, ids.workload, ids.serving
        vault = kv.Vault(
            f"{name}-vault", vault_name=pulumi.Output.concat(args.key_vault_prefix, suffix),
            resource_group_name=rg, location=args.location, tags=tags, opts=stateful,
            properties=kv.VaultPropertiesArgs(
                tenant_id=config.tenant_id,
                sku=kv.SkuArgs(family=kv.SkuFamily.A, name=kv.SkuName.STANDARD),
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=90 if args.protect else 7,
                # Irreversible, and the API takes no `false`: left out means off.
                enable_purge_protection=True if args.protect else None,
                network_acls=kv.NetworkRuleSetArgs(
                    default_action=kv.NetworkRuleAction.DENY,
                    bypass=kv.NetworkRuleBypassOptions.AZURE_SERVICES,
                ),
                public_network_access="Disabled" if args.private_network else "Enabled",
            ),
        )  # fmt: skip
        # Created through ARM (management plane), so the vault firewall does not stop it.
        action = kv.KeyRotationPolicyActionType
        key = kv.Key(
            f"{name}-cmk", key_name=KEY_NAME, vault_name=vault.name, resource_group_name=rg,
            tags=tags, opts=stateful,
            properties=kv.KeyPropertiesArgs(
                kty=kv.JsonWebKeyType.RSA, key_size=3072,
                key_ops=[kv.JsonWebKeyOperation.WRAP_KEY, kv.JsonWebKeyOperation.UNWRAP_KEY],
                rotation_policy=kv.RotationPolicyArgs(
                    # Applies to the versions rotation creates; services use the newest one.
                    attributes=kv.KeyRotationPolicyAttributesArgs(expiry_time="P1Y"),
                    lifetime_actions=[
                        kv.LifetimeActionArgs(trigger=kv.TriggerArgs(time_after_create="P90D"),
                                              action=kv.ActionArgs(type=action.ROTATE)),
                        kv.LifetimeActionArgs(trigger=kv.TriggerArgs(time_before_expiry="P30D"),
                                              action=kv.ActionArgs(type=action.NOTIFY)),
                    ],
                ),
            ),
        )  # fmt: skip
        grants = [
            common.grant(f"{name}-key-encryption", role="Key Vault Crypto Service Encryption User",
                         scope=key.id, principal_id=identity.principal_id, parent=self),
            common.grant(f"{name}-vault-secrets", role="Key Vault Secrets Officer",
                         scope=vault.id, principal_id=identity.principal_id, parent=self),
        ]  # fmt: skip

        insights = azure_native.operationalinsights
        workspace = insights.Workspace(
            f"{name}-logs", resource_group_name=rg, location=args.location, tags=tags,
            sku=insights.WorkspaceSkuArgs(name=insights.WorkspaceSkuNameEnum.PER_GB2018),
            retention_in_days=args.log_retention_days,
            # Entra ID only: no ingestion or query with the workspace's shared keys.
            features=insights.WorkspaceFeaturesArgs(disable_local_auth=True),
            opts=stateful,
        )  # fmt: skip
        appinsights = azure_native.applicationinsights
        app_insights = appinsights.Component(
            f"{name}-app-insights", resource_group_name=rg, location=args.location, tags=tags,
            kind="web", application_type=appinsights.ApplicationType.WEB,
            workspace_resource_id=workspace.id,
            ingestion_mode=appinsights.IngestionMode.LOG_ANALYTICS,
            opts=child,
        )  # fmt: skip
        azure_native.monitor.DiagnosticSetting(
            f"{name}-vault-audit", name="opsblocks-audit", resource_uri=vault.id,
            workspace_id=workspace.id,
            logs=[azure_native.monitor.DiagnosticsLogSettingsArgs(
                category_group="audit", enabled=True)],
            opts=child,
        )  # fmt: skip

        self.subnet_id = None
        self.dns_zone_ids = {}
        if args.private_network:
            self.subnet_id, self.dns_zone_ids = private_network(
                name, location=args.location, vnet_cidr=args.vnet_cidr, resource_group_name=rg,
                tags=tags, vault_id=vault.id, parent=self,
            )  # fmt: skip

        self.resource_group_name = rg
        self.resource_group_id = group.id
        self.location = args.location
        self.unique_suffix = suffix
        self.tenant_id = config.tenant_id
        self.subscription_id = config.subscription_id
        # The identity's id, carrying the grants as dependencies (see the module doc).
        self.identity_id = common.once(identity.id, *grants)
        self.identity_principal_id = identity.principal_id
        self.identity_client_id = identity.client_id
        self.workload_identity_id = workload.id
        self.workload_identity_principal_id = workload.principal_id
        self.workload_identity_client_id = workload.client_id
        self.serving_identity_id = serving.id
        self.serving_identity_principal_id = serving.principal_id
        self.serving_identity_client_id = serving.client_id
        self.key_vault_id = vault.id
        self.key_vault_name = vault.name
        self.key_vault_uri = vault.properties.apply(lambda p: p.vault_uri)
        self.key_name = key.name
        self.key_uri = key.key_uri
        self.key_id = key.id
        self.log_workspace_id = workspace.id
        self.app_insights_id = app_insights.id
        self.register_outputs({output: getattr(self, output) for output in OUTPUTS})
