"""existing: an AKS cluster you already run, as the Kubernetes host: no cloud resource, only
the Kubernetes provider (from the stack's `kubernetes:*` settings) and the cluster's OIDC
issuer for workload identity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from components.azure.existing.options import ExistingAksOptions
from opsblocks.contracts.azure import AzureKubernetes
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: ExistingAksOptions) -> AzureKubernetes:
    import pulumi_kubernetes as k8s

    from components.azure.existing.component import (
        AzureExistingKubernetes,
        AzureExistingKubernetesArgs,
    )
    from opsblocks.providers import stack_settings

    # An explicit provider ignores the stack's config: hand it every `kubernetes:*` setting.
    settings: Mapping[str, object] = stack_settings("kubernetes", k8s.ProviderArgs, decided={})
    cluster = AzureExistingKubernetes(
        site.name,
        AzureExistingKubernetesArgs(options=options, provider_settings=settings),
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
    name="existing",
    description="An AKS cluster you already run (OIDC issuer and workload identity on), reached "
    "with the stack's kubernetes:* settings",
    options=ExistingAksOptions,
    component="components.azure.existing.component:AzureExistingKubernetes",
    build=build,
    proposed=False,
    gives=AzureKubernetes,
    setup=(
        "az aks get-credentials --resource-group <group> --name <cluster>",
        "kubelogin convert-kubeconfig -l azurecli",
        "pulumi config set kubernetes:context <cluster> -s {stack}",
    ),
    coverage={
        "cluster_name": "existing-aks",
        "resource_group": "existing-rg",
        "vnet_id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/"
        "existing-rg/providers/Microsoft.Network/virtualNetworks/existing-vnet",
        "subnet_id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/"
        "existing-rg/providers/Microsoft.Network/virtualNetworks/existing-vnet/subnets/endpoints",
    },
)
