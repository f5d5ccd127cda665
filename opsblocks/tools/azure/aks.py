"""aks: an AKS cluster for the tools that run on Kubernetes: private API server in prod, Entra
ID and Azure RBAC only, workload identity, secrets encrypted with the platform key, Cilium
network policies, autoscaling workload pool, optional GPU pool."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.aks.options import AksOptions
from opsblocks.contracts.azure import AzureKubernetes
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AksOptions) -> AzureKubernetes:
    from components.azure.aks.component import AzureAksKubernetes, AzureAksKubernetesArgs

    foundation = site.foundation
    cluster = AzureAksKubernetes(
        site.name,
        AzureAksKubernetesArgs(
            tags=site.tags,
            **site.group,
            cluster_name=site.physical("aks"),
            tenant_id=foundation.tenant_id,
            key_vault_id=foundation.key_vault_id,
            key_name=foundation.key_name,
            log_workspace_id=foundation.log_workspace_id,
            # Prod: the platform's private VNet (None elsewhere: a VNet of the cluster's own).
            vnet_id=foundation.vnet_id,
            endpoint_subnet_id=foundation.subnet_id,
            vnet_cidr=foundation.vnet_cidr,
            private_api=site.prod,
            protect=site.env.protect_data,
            options=options,
        ),
        site.opts,
    )
    return AzureKubernetes(
        provider=cluster.provider,
        cluster_name=cluster.cluster_name,
        oidc_issuer_url=cluster.oidc_issuer_url,
        vnet_id=cluster.vnet_id,
        subnet_id=cluster.subnet_id,
    )


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.kubernetes,
    name="aks",
    description="AKS cluster: private API in prod, Entra ID only, workload identity, KMS with "
    "the platform key, Cilium policies, GPU pool",
    options=AksOptions,
    component="components.azure.aks.component:AzureAksKubernetes",
    build=build,
    proposed=False,
    gives=AzureKubernetes,
    # `<name>-<environment>-aks` is the cluster's name and DNS prefix (at most 54 characters);
    # its node resource group adds "-nodes".
    names=(NameRule("AKS cluster DNS prefix", 54, "-staging-aks", autonamed=False),),
    main_types=(
        "azure_native.containerservice.ManagedCluster",
        "azure_native.containerservice.AgentPool",
    ),
    # Encryption at host is a subscription feature, registered once; the cluster's provider
    # signs in through kubelogin as the Azure CLI session.
    setup=(
        "az feature register --namespace Microsoft.Compute --name EncryptionAtHost",
        "az provider register --namespace Microsoft.Compute",
        "az aks install-cli  # kubectl and kubelogin",
    ),
    coverage={"gpu": {"max_nodes": 1}, "public_access_cidrs": []},
)
