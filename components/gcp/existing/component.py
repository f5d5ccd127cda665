"""Kubernetes capability on GCP, on a GKE cluster that already exists: the Kubernetes provider
that reaches it, and nothing else (no cloud resource).

An explicit provider ignores the stack's `kubernetes:*` config, so the tool hands the
component those settings (`settings`) and the provider is made with them. When the stack sets
neither a context nor a kubeconfig, the provider uses the context `gcloud container clusters
get-credentials` names for the cluster (`gke_<project>_<location>_<cluster>`) in the
deployer's kubeconfig, never whatever context happens to be current.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.gcp.existing.options import ExistingGkeOptions


@dataclass(frozen=True, kw_only=True)
class GcpExistingKubernetesArgs:
    cluster_project: pulumi.Input[str]
    """The cluster's project (its Workload Identity pool is `<project>.svc.id.goog`): the
    `project` option, else the platform's."""
    settings: Mapping[str, object] = field(default_factory=dict)
    """The stack's `kubernetes:*` settings, as the Kubernetes provider takes them."""
    options: ExistingGkeOptions


class GcpExistingKubernetes(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    workload_pool: pulumi.Output[str]
    """`<project>.svc.id.goog`: where Google service accounts grant Kubernetes ones."""
    provider: k8s.Provider
    """The Kubernetes provider of the cluster: everything installed on it uses this one."""

    def __init__(
        self,
        name: str,
        args: GcpExistingKubernetesArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:GcpExistingKubernetes", name, {}, opts)
        options = args.options
        settings = dict(args.settings)
        if "context" not in settings and "kubeconfig" not in settings:
            settings["context"] = pulumi.Output.concat(
                "gke_", args.cluster_project, "_", options.location, "_", options.cluster_name
            )
        self.provider = k8s.Provider(
            f"{name}-kubernetes", **settings, opts=pulumi.ResourceOptions(parent=self)
        )
        self.cluster_name = pulumi.Output.from_input(options.cluster_name)
        self.workload_pool = pulumi.Output.concat(args.cluster_project, ".svc.id.goog")
        self.register_outputs(
            {"cluster_name": self.cluster_name, "workload_pool": self.workload_pool}
        )
