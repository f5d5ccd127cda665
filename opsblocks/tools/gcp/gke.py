"""gke: a regional GKE Standard cluster with private nodes in the platform's network, secrets
encrypted with the platform key, Workload Identity, Dataplane V2 network policies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.gke.options import GkeOptions
from opsblocks.contracts.gcp import GcpPlatformKubernetes
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: GkeOptions) -> GcpPlatformKubernetes:
    from components.gcp.foundation import SUBNET_CIDR
    from components.gcp.gke.component import GcpGkeKubernetes, GcpGkeKubernetesArgs

    cluster = GcpGkeKubernetes(
        site.name,
        GcpGkeKubernetesArgs(
            labels=site.labels,
            **site.common,
            kms_key_id=site.foundation.kms_key_id,
            network_id=site.foundation.network_id,
            cluster_name=site.physical(),
            node_account_id=site.account_id("gke-nodes"),
            internal_cidrs=[SUBNET_CIDR],
            protect=site.env.protect_data,
            options=options,
        ),
        site.opts,
    )
    return GcpPlatformKubernetes(provider=cluster.provider, cluster_name=cluster.cluster_name,
                         workload_pool=cluster.workload_pool)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.kubernetes,
    name="gke",
    description="GKE Standard cluster: private nodes and API server, CMEK secrets, Workload "
    "Identity, Dataplane V2 network policies, autoscaling (and GPU) pools",
    options=GkeOptions,
    component="components.gcp.gke.component:GcpGkeKubernetes",
    build=build,
    proposed=False,
    gives=GcpPlatformKubernetes,
    apis=("container.googleapis.com",),
    names=(
        NameRule("GKE cluster", 40, "-staging", autonamed=False),
        NameRule("service account", 30, "-gke-nodes", autonamed=False),
        NameRule("Cloud Router", 63, "-kubernetes-router"),
    ),
    main_types=("gcp.container.Cluster", "gcp.container.NodePool"),
    setup=(
        "gcloud components install gke-gcloud-auth-plugin  # kubectl and pulumi sign in to GKE",
    ),
    coverage={"gpu": {"max_nodes": 1}},
)
