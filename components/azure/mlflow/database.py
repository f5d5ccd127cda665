"""The MLflow backend store: an Azure Database for PostgreSQL flexible server reached only
through a private endpoint in the cluster's subnet.

Private endpoint, not VNet integration: integration needs a subnet delegated to
`Microsoft.DBforPostgreSQL/flexibleServers` in the cluster's VNet, which an existing cluster's
VNet does not offer us, and a server created that way can never get a private endpoint. A
server created with public-access networking takes a private endpoint and then refuses public
traffic (`public_network_access` Disabled, no firewall rule). Its name resolves through the
private DNS zone `privatelink.postgres.database.azure.com`, created here and linked to the
cluster's VNet (the foundation has no zone of that name, so the link cannot clash with its own).

In prod the data is encrypted with the platform key, read through the foundation's workspace
identity (which holds "Key Vault Crypto Service Encryption User" on the key; the vault lets
trusted services through its firewall). The key URI is versionless, so the server follows the
key's rotations. Customer-managed encryption can only be chosen when the server is created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.azure.mlflow.options import AzureMlflowOptions
from components.azure.shared.common import private_endpoint_and_dns

POSTGRES_VERSION = "17"
"""The newest major version the provider's API offers as generally available to new servers
(16 and 17 are both supported; 17 leaves more time before an upgrade)."""
ADMIN_LOGIN = "mlflow"
DNS_ZONE = "privatelink.postgres.database.azure.com"
GROUP_ID = "postgresqlServer"
db = azure_native.dbforpostgresql
DEFAULT_SIZE = {True: ("Standard_D2ds_v5", "GeneralPurpose"), False: ("Standard_B1ms", "Burstable")}
PARAMETERS = {
    # TLS only, 1.2 or later (both are the service's defaults: stated so drift is visible).
    "require_secure_transport": "on",
    "ssl_min_protocol_version": "TLSv1.2",
    # Who connected and who failed to: kept in the foundation's log workspace.
    "log_connections": "on",
    "log_disconnections": "on",
}


@dataclass(frozen=True, kw_only=True)
class Database:
    server: azure_native.dbforpostgresql.Server
    host: pulumi.Output[str]
    """The server's FQDN; inside the cluster's VNet it resolves to the private endpoint."""
    ready: tuple[pulumi.Resource, ...]
    """What a client waits for: the databases, the server's parameters (TLS), the private
    endpoint, its DNS zone group and the zone's VNet link."""


def server_settings(options: AzureMlflowOptions, prod: bool) -> tuple[str, str, bool, int]:
    """(sku, tier, high availability, backup retention days) from the options and environment."""
    sku, tier = (options.sku, options.tier) if options.sku and options.tier else DEFAULT_SIZE[prod]
    ha = options.high_availability
    if ha is None:
        ha = prod and tier != "Burstable"
    retention = options.backup_retention_days or (30 if prod else 7)
    return sku, tier, ha, retention


def database(
    name: str,
    *,
    server_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    location: str,
    password: pulumi.Input[str],
    databases: tuple[str, ...],
    subnet_id: pulumi.Input[str],
    vnet_id: pulumi.Input[str],
    key_uri: pulumi.Input[str] | None,
    key_identity_id: pulumi.Input[str] | None,
    log_workspace_id: pulumi.Input[str],
    tags: Mapping[str, str],
    protect: bool,
    options: AzureMlflowOptions,
    parent: pulumi.Resource,
) -> Database:
    """The server, its parameters, `databases`, its private endpoint and DNS, and its logs."""
    child = pulumi.ResourceOptions(parent=parent)
    rg, tags = resource_group_name, dict(tags)
    sku, tier, ha, retention = server_settings(options, protect)
    encryption, identity = None, None
    if key_uri is not None and key_identity_id is not None:
        encryption = db.DataEncryptionArgs(
            type=db.DataEncryptionType.AZURE_KEY_VAULT,
            primary_key_uri=key_uri,
            primary_user_assigned_identity_id=key_identity_id,
        )
        # The map's key is the identity's id, known once the identity holds its key role.
        identity = db.UserAssignedIdentityArgs(
            type=db.IdentityType.USER_ASSIGNED,
            user_assigned_identities=pulumi.Output.from_input(key_identity_id).apply(
                lambda identity_id: {identity_id: db.UserIdentityArgs()}
            ),
        )
    server = db.Server(
        f"{name}-postgres",
        server_name=server_name,
        resource_group_name=rg,
        location=location,
        version=POSTGRES_VERSION,
        sku=db.SkuArgs(name=sku, tier=tier),
        storage=db.StorageArgs(
            storage_size_gb=options.storage_gb, auto_grow=db.StorageAutoGrow.ENABLED
        ),
        administrator_login=ADMIN_LOGIN,
        administrator_login_password=password,
        auth_config=db.AuthConfigArgs(
            password_auth=db.PasswordBasedAuth.ENABLED,
            active_directory_auth=db.MicrosoftEntraAuth.DISABLED,
        ),
        backup=db.BackupArgs(
            backup_retention_days=retention,
            geo_redundant_backup=db.GeographicallyRedundantBackup.DISABLED,
        ),
        high_availability=db.HighAvailabilityArgs(
            mode=db.PostgreSqlFlexibleServerHighAvailabilityMode.ZONE_REDUNDANT
            if ha
            else db.PostgreSqlFlexibleServerHighAvailabilityMode.DISABLED
        ),
        network=db.NetworkArgs(public_network_access=db.ServerPublicNetworkAccessState.DISABLED),
        data_encryption=encryption,
        identity=identity,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=protect),
    )
    # One configuration change at a time on a server: each waits for the one before.
    previous: list[pulumi.Resource] = []
    ready: list[pulumi.Resource] = []
    for parameter, value in PARAMETERS.items():
        setting = db.Configuration(
            f"{name}-{parameter.replace('_', '-')}", configuration_name=parameter, value=value,
            source="user-override", server_name=server.name, resource_group_name=rg,
            opts=pulumi.ResourceOptions(parent=parent, depends_on=previous),
        )  # fmt: skip
        previous = [setting]
        ready.append(setting)
    for database_name in databases:
        ready.append(db.Database(
            f"{name}-{database_name.replace('_', '-')}-database", database_name=database_name,
            charset="UTF8", collation="en_US.utf8", server_name=server.name,
            resource_group_name=rg,
            # Kept with the server when the stack goes (prod): the data outlives `destroy`.
            opts=pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=protect),
        ))  # fmt: skip

    dns = azure_native.privatedns
    zone = dns.PrivateZone(f"{name}-postgres-dns", private_zone_name=DNS_ZONE,
                           resource_group_name=rg, location="global", tags=tags,
                           opts=child)  # fmt: skip
    link = dns.VirtualNetworkLink(
        f"{name}-postgres-dns-link", private_zone_name=zone.name, resource_group_name=rg,
        location="global", tags=tags, virtual_network=dns.SubResourceArgs(id=vnet_id),
        registration_enabled=False, opts=child,
    )  # fmt: skip
    endpoint, zone_group = private_endpoint_and_dns(
        f"{name}-postgres-endpoint", target_id=server.id, group_id=GROUP_ID,
        resource_group_name=rg, location=location, subnet_id=subnet_id,
        dns_zone_ids={GROUP_ID: zone.id}, tags=tags, parent=parent,
    )  # fmt: skip
    azure_native.monitor.DiagnosticSetting(
        f"{name}-postgres-logs", name="opsblocks-logs", resource_uri=server.id,
        workspace_id=log_workspace_id,
        logs=[azure_native.monitor.DiagnosticsLogSettingsArgs(category_group="allLogs",
                                                              enabled=True)],
        opts=child,
    )  # fmt: skip
    return Database(server=server, host=server.fully_qualified_domain_name,
                    ready=(*ready, endpoint, zone_group, link))  # fmt: skip
