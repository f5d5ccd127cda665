"""Registry capability on Azure: an MLflow tracking server and model registry on the blueprint's
AKS cluster, over Azure services reached without a static key.

- The backend store: an Azure Database for PostgreSQL flexible server (`database.py`), private
  (a private endpoint in the cluster's subnet), TLS only, backed up, the platform key in prod,
  with the tracking database and the basic-auth app's database.
- Two generated passwords (the database login's and the MLflow admin's), kept as Pulumi
  secrets and in the foundation's Key Vault (`mlflow-database-password`,
  `mlflow-admin-password`), where an operator reads the admin's. They reach the cluster only as
  Kubernetes Secrets the portable server creates.
- The artifact store: a blob container in an account of its own (`artifacts.py`).
- The server's identity: a user-assigned managed identity with a federated credential for the
  cluster's OIDC issuer and exactly the server's service account
  (`system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>`), holding "Storage Blob Data
  Contributor" on the artifact container only. The server proxies artifacts, so clients need
  no Azure credentials; MLflow's Azure Blob client finds the identity through
  DefaultAzureCredential (AKS injects AZURE_CLIENT_ID, AZURE_TENANT_ID and the token file).
- The server itself: the portable `MlflowServer` (Helm), bound to that identity, running the
  blueprint's `image` (one with azure-identity, see AzureMlflowOptions). Its release waits for
  the databases, the TLS parameters, the private endpoint and its DNS, the federated credential
  and the blob grant: a component's depends_on does not reach its children.

The database's login is its administrator (password authentication): a narrower PostgreSQL
role would need SQL run inside the private network, which `pulumi up` cannot reach.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native
import pulumi_random as random

from components.azure.mlflow.artifacts import artifacts
from components.azure.mlflow.database import ADMIN_LOGIN, database
from components.azure.mlflow.options import AzureMlflowOptions
from components.azure.shared.common import grant, once
from components.portable.adapters import azure_identity
from components.portable.mlflow import component as portable

DATABASE = "mlflow"
TOKEN_AUDIENCE = "api://AzureADTokenExchange"
SECRETS = {"database": "mlflow-database-password", "admin": "mlflow-admin-password"}
SERVER_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?!-))*-$")
ACCOUNT_PREFIX = re.compile(r"^[a-z0-9]{1,18}$")
OUTPUTS = ("tracking_uri", "artifact_uri", "server_name", "database_host", "account_name",
           "identity_client_id", "admin_password_secret_uri")  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AzureMlflowRegistryArgs:
    tags: Mapping[str, str]
    labels: Mapping[str, str]
    """Labels of every Kubernetes object the server creates."""
    resource_group_name: pulumi.Input[str]
    location: str
    unique_suffix: pulumi.Input[str]
    """Six lowercase hex characters ending the globally unique names."""
    server_prefix: str
    """The database server's name is `server_prefix + unique_suffix` (3-63 characters)."""
    account_prefix: str
    """The storage account's name is `account_prefix + unique_suffix` (at most 18 + 6)."""
    oidc_issuer_url: pulumi.Input[str]
    """The cluster's OIDC issuer: the federated credential trusts its tokens."""
    subnet_id: pulumi.Input[str]
    """The cluster's subnet for private endpoints (the database's, and the account's in prod)."""
    vnet_id: pulumi.Input[str]
    """The cluster's VNet: the database's private DNS zone is linked to it."""
    key_vault_id: pulumi.Input[str]
    """The foundation's vault: the passwords are kept there."""
    log_workspace_id: pulumi.Input[str]
    customer_managed_key: bool = False
    key_vault_uri: pulumi.Input[str] | None = None
    key_name: pulumi.Input[str] | None = None
    key_identity_id: pulumi.Input[str] | None = None
    """The identity the database and the account read the key with (customer_managed_key)."""
    blob_dns_zone_id: pulumi.Input[str] | None = None
    """The foundation's `privatelink.blob.core.windows.net` zone: the account then refuses
    public networks and answers on a private endpoint in `subnet_id`. None: public (dev)."""
    link_blob_zone: bool = False
    """Link `blob_dns_zone_id` to `vnet_id` too: the cluster runs in a VNet other than the
    foundation's (an existing cluster), which would otherwise resolve the account publicly."""
    soft_delete_days: int = 30
    protect: bool = False
    """Protect and retain the server, its databases and the account (prod); prod defaults."""
    options: AzureMlflowOptions
    """Required: its `image` has no default (see AzureMlflowOptions)."""


def _check(args: AzureMlflowRegistryArgs) -> None:
    if not SERVER_PREFIX.fullmatch(args.server_prefix) or len(args.server_prefix) > 57:
        raise ValueError(f"server_prefix {args.server_prefix!r}: lowercase letters, digits and "
                         "single hyphens, ending in a hyphen, at most 57 characters")  # fmt: skip
    if not ACCOUNT_PREFIX.fullmatch(args.account_prefix):
        raise ValueError(f"account_prefix {args.account_prefix!r} must be 1-18 lowercase "
                         "letters or digits")  # fmt: skip
    missing = [n for n in ("key_vault_uri", "key_name", "key_identity_id")
               if getattr(args, n) is None]  # fmt: skip
    if args.customer_managed_key and missing:
        raise ValueError(f"customer_managed_key needs {', '.join(missing)}")


class AzureMlflowRegistry(pulumi.ComponentResource):
    tracking_uri: pulumi.Output[str]
    """The server inside the cluster: `http://mlflow.<namespace>.svc.cluster.local:5000`."""
    artifact_uri: pulumi.Output[str]
    """Where the server keeps artifacts (`wasbs://mlflow@<account>.blob.core.windows.net/...`)."""
    server_name: pulumi.Output[str]
    database_host: pulumi.Output[str]
    account_name: pulumi.Output[str]
    identity_client_id: pulumi.Output[str]
    admin_password_secret_uri: pulumi.Output[str]
    """The Key Vault secret holding the MLflow admin's password."""

    def __init__(
        self, name: str, args: AzureMlflowRegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _check(args)  # before registering anything
        # The portable server, imported here: the module is shared with the other clouds.
        super().__init__("opsblocks:index:AzureMlflowRegistry", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        rg, tags, cmk = args.resource_group_name, dict(args.tags), args.customer_managed_key
        key_uri = (
            # The vault's URI ends in "/"; a URI without a version follows the key's rotation.
            pulumi.Output.all(args.key_vault_uri, args.key_name)
            .apply(lambda v: f"{v[0]}keys/{v[1]}")
            if cmk and args.key_vault_uri is not None and args.key_name is not None else None
        )  # fmt: skip

        def password(role: str) -> random.RandomPassword:
            # Letters and digits only (no URI escaping); three character classes, as the
            # server's password policy asks.
            return random.RandomPassword(f"{name}-{role}-password", length=32, special=False,
                                         min_lower=1, min_upper=1, min_numeric=1,
                                         opts=child)  # fmt: skip

        passwords = {role: password(role) for role in SECRETS}
        vault_name = pulumi.Output.from_input(args.key_vault_id).apply(lambda i: i.split("/")[-1])
        kv = azure_native.keyvault
        secrets = {
            role: kv.Secret(
                f"{name}-{role}-secret",
                secret_name=secret_name,
                vault_name=vault_name,
                resource_group_name=rg,
                tags=tags,
                properties=kv.SecretPropertiesArgs(
                    value=passwords[role].result, content_type="text/plain"
                ),
                opts=child,
            )
            for role, secret_name in SECRETS.items()
        }

        db = database(
            name, server_name=pulumi.Output.concat(args.server_prefix, args.unique_suffix),
            resource_group_name=rg, location=args.location,
            password=passwords["database"].result,
            databases=(DATABASE, f"{DATABASE}{portable.AUTH_DATABASE_SUFFIX}"),
            subnet_id=args.subnet_id, vnet_id=args.vnet_id, key_uri=key_uri,
            key_identity_id=args.key_identity_id if cmk else None,
            log_workspace_id=args.log_workspace_id, tags=tags, protect=args.protect,
            options=args.options, parent=self,
        )  # fmt: skip
        store = artifacts(
            name, account_name=pulumi.Output.concat(args.account_prefix, args.unique_suffix),
            resource_group_name=rg, location=args.location,
            key_vault_uri=args.key_vault_uri if cmk else None,
            key_name=args.key_name if cmk else None,
            key_identity_id=args.key_identity_id if cmk else None,
            subnet_id=args.subnet_id if args.blob_dns_zone_id is not None else None,
            dns_zone_ids={} if args.blob_dns_zone_id is None else {"blob": args.blob_dns_zone_id},
            soft_delete_days=args.soft_delete_days, tags=tags, protect=args.protect, parent=self,
        )  # fmt: skip

        blob_link: list[pulumi.Resource] = []
        if args.link_blob_zone and args.blob_dns_zone_id is not None:
            # /subscriptions/<s>/resourceGroups/<group>/providers/.../privateDnsZones/<zone>
            zone_id = pulumi.Output.from_input(args.blob_dns_zone_id)
            blob_link.append(azure_native.privatedns.VirtualNetworkLink(
                f"{name}-blob-dns-link",
                private_zone_name=zone_id.apply(lambda i: i.split("/")[-1]),
                resource_group_name=zone_id.apply(lambda i: i.split("/")[4]),
                location="global", tags=tags, registration_enabled=False,
                virtual_network=azure_native.privatedns.SubResourceArgs(id=args.vnet_id),
                opts=child,
            ))  # fmt: skip

        identity = azure_native.managedidentity.UserAssignedIdentity(
            f"{name}-identity", resource_group_name=rg, location=args.location, tags=tags,
            opts=child,
        )  # fmt: skip
        federated = azure_native.managedidentity.FederatedIdentityCredential(
            f"{name}-federated", resource_name_=identity.name, resource_group_name=rg,
            issuer=args.oidc_issuer_url, audiences=[TOKEN_AUDIENCE],
            subject=f"system:serviceaccount:{portable.NAMESPACE}:{portable.SERVICE_ACCOUNT}",
            opts=child,
        )  # fmt: skip
        writer = grant(f"{name}-artifacts-writer", role="Storage Blob Data Contributor",
                       scope=store.container.id, principal_id=identity.principal_id,
                       parent=self)  # fmt: skip
        # The server starts once its identity may write and its token is trusted.
        client_id = once(identity.client_id, federated, writer)

        server = portable.MlflowServer(
            f"{name}-server",
            portable.MlflowServerArgs(
                labels=dict(args.labels),
                identity=azure_identity(client_id),
                database=portable.MlflowDatabase(host=db.host, name=DATABASE, user=ADMIN_LOGIN,
                                                 password=passwords["database"].result),
                artifacts_destination=store.destination,
                admin_password=passwords["admin"].result,
                replicas=args.options.replicas,
                image=args.options.image,
                after=[*db.ready, federated, writer, *blob_link],
            ),
            opts=child,
        )  # fmt: skip

        self.tracking_uri = server.tracking_uri
        self.artifact_uri = store.destination
        self.server_name = db.server.name
        self.database_host = db.host
        self.account_name = store.account_name
        self.identity_client_id = identity.client_id
        self.admin_password_secret_uri = secrets["admin"].properties.apply(lambda p: p.secret_uri)
        self.register_outputs({output: getattr(self, output) for output in OUTPUTS})
