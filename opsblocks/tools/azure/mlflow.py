"""mlflow: an MLflow tracking server and model registry on the blueprint's AKS cluster, over a
private Azure Database for PostgreSQL and a blob container, reached by workload identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.mlflow.options import AzureMlflowOptions
from opsblocks.contracts.azure import AzureKubernetes, AzureMlflowTracking
from opsblocks.model import Capability, Cloud
from opsblocks.naming import UNIQUE, NameRule
from opsblocks.tags import platform_labels
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AzureMlflowOptions) -> AzureMlflowTracking:
    from components.azure.mlflow.component import AzureMlflowRegistry, AzureMlflowRegistryArgs

    host, foundation = site.need(AzureKubernetes), site.foundation
    bp = site.blueprint
    # Kubernetes label keys take no colon, and the blueprint's own tags may not be valid
    # label values: the opsblocks keys only, as `opsblocks-<key>`.
    labels = platform_labels(blueprint=bp.name, environment=bp.environment.value,
                             capability=site.capability, tool=site.tool, extra={})  # fmt: skip
    blob_zone = foundation.dns_zone_ids.get("blob") if foundation.subnet_id is not None else None
    # A cluster opsblocks creates runs in the foundation's VNet in prod, which the zone is
    # linked to already; an existing one runs in a VNet of its own.
    host_tool = bp.tools()[Capability.kubernetes].tool
    registry = AzureMlflowRegistry(
        site.name,
        AzureMlflowRegistryArgs(
            tags=site.tags,
            labels=labels,
            resource_group_name=foundation.resource_group_name,
            location=site.region,
            unique_suffix=foundation.unique_suffix,
            server_prefix=f"{site.prefix}mlflow-",
            account_prefix=f"{site.compact}mf",
            oidc_issuer_url=host.oidc_issuer_url,
            subnet_id=host.subnet_id,
            vnet_id=host.vnet_id,
            key_vault_id=foundation.key_vault_id,
            log_workspace_id=foundation.log_workspace_id,
            # The database and the account read the platform key through the workspace
            # identity, which holds the key's role (see the foundation).
            customer_managed_key=site.key["customer_managed_key"],
            key_vault_uri=foundation.key_vault_uri,
            key_name=foundation.key_name,
            key_identity_id=foundation.identity_id,
            blob_dns_zone_id=blob_zone,
            link_blob_zone=blob_zone is not None and host_tool == "existing",
            protect=site.env.protect_data,
            options=options,
        ),
        site.on(host),
    )
    return AzureMlflowTracking(
        tracking_uri=registry.tracking_uri,
        artifact_uri=registry.artifact_uri,
        admin_password_secret_uri=registry.admin_password_secret_uri,
    )


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.registry,
    name="mlflow",
    description="MLflow tracking server and model registry on AKS: private PostgreSQL flexible "
    "server, blob artifacts, workload identity, CMK in prod",
    options=AzureMlflowOptions,
    component="components.azure.mlflow.component:AzureMlflowRegistry",
    build=build,
    proposed=False,
    gives=AzureMlflowTracking,
    needs=(AzureKubernetes,),
    names=(
        NameRule("PostgreSQL flexible server", 63, "-mlflow-" + UNIQUE, autonamed=False),
        NameRule("storage account", 24, "mf" + UNIQUE, autonamed=False, compact=True),
    ),
    main_types=(
        "azure_native.dbforpostgresql.Server",
        "azure_native.storage.StorageAccount",
        "azure_native.keyvault.Secret",
        "kubernetes.helm.sh.Release",
    ),
    coverage={
        "image": "platformacr.azurecr.io/mlflow:3.14.0-azure",
        "high_availability": True,
        "sku": "Standard_D2ds_v5",
        "tier": "GeneralPurpose",
    },
)
