"""Kubernetes capability on AWS: an EKS cluster the user already has. Creates no cloud
resource, only the Kubernetes provider that reaches the cluster."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.aws.existing.options import ExistingKubernetesOptions


@dataclass(frozen=True, kw_only=True)
class AwsExistingKubernetesArgs:
    settings: Mapping[str, object] = field(default_factory=dict)
    """The Kubernetes provider's settings: the stack's `kubernetes:*` config (an explicit
    provider would ignore it otherwise), e.g. `context`, `kubeconfig`, `namespace`."""
    options: ExistingKubernetesOptions


class AwsExistingKubernetes(pulumi.ComponentResource):
    provider: k8s.Provider
    cluster_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: AwsExistingKubernetesArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AwsExistingKubernetes", name, {}, opts)
        self.provider = k8s.Provider(
            f"{name}-kubernetes", **args.settings, opts=pulumi.ResourceOptions(parent=self)
        )
        self.cluster_name = pulumi.Output.from_input(args.options.cluster_name)
        self.register_outputs({"cluster_name": self.cluster_name})
