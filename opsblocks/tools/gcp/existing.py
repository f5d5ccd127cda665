"""existing: a GKE cluster the user already runs, with Workload Identity enabled; reached
through the stack's kubernetes settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from components.gcp.existing.options import ExistingGkeOptions
from opsblocks.contracts.gcp import GcpKubernetes
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: ExistingGkeOptions) -> GcpKubernetes:
    import pulumi_kubernetes as k8s

    from components.gcp.existing.component import (
        GcpExistingKubernetes,
        GcpExistingKubernetesArgs,
    )
    from opsblocks.providers import stack_settings

    # An explicit provider does not read the stack's kubernetes:* config: pass it on.
    settings: Mapping[str, object] = stack_settings("kubernetes", k8s.ProviderArgs, decided={})
    cluster = GcpExistingKubernetes(
        site.name,
        GcpExistingKubernetesArgs(
            cluster_project=options.project or site.foundation.project, settings=settings,
            options=options),
        site.opts,
    )  # fmt: skip
    return GcpKubernetes(provider=cluster.provider, cluster_name=cluster.cluster_name,
                         workload_pool=cluster.workload_pool)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.kubernetes,
    name="existing",
    description="A GKE cluster you already run (Workload Identity enabled), reached through "
    "the stack's kubernetes settings; creates no cloud resource",
    options=ExistingGkeOptions,
    component="components.gcp.existing.component:GcpExistingKubernetes",
    build=build,
    proposed=False,
    gives=GcpKubernetes,
    setup=(
        "gcloud container clusters get-credentials <cluster> --location <location> "
        "--project <project>",
        "pulumi config set kubernetes:context gke_<project>_<location>_<cluster> -s {stack}",
    ),
    coverage={"cluster_name": "ml-cluster", "location": "us-central1"},
)
