"""Kubernetes capability on Azure, on a cluster the user already runs: no cloud resource, only
the Kubernetes provider that reaches it, and what workload identity needs of it.

The provider takes the stack's `kubernetes:*` settings (an explicit provider would ignore
them otherwise), e.g. `kubernetes:context`. The cluster's OIDC issuer is read from the
cluster at each `up`, with its workload identity setting (the webhook that hands pods their
token): a cluster without either fails with what to run
(`az aks update --enable-oidc-issuer --enable-workload-identity`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import pulumi_kubernetes as k8s

from components.azure.existing.options import ExistingAksOptions

OUTPUTS = ("cluster_name", "oidc_issuer_url", "vnet_id", "subnet_id")


@dataclass(frozen=True, kw_only=True)
class AzureExistingKubernetesArgs:
    options: ExistingAksOptions
    provider_settings: Mapping[str, object] = field(default_factory=dict)
    """Keyword arguments of the Kubernetes provider: the stack's `kubernetes:*` settings."""


def issuer(cluster: str, profile: Any, security: Any) -> str:
    """The OIDC issuer URL of `cluster` (`profile`: its oidcIssuerProfile), once its
    securityProfile says the workload identity webhook runs; else a one-line error saying how
    to turn both on."""
    fix = ("az aks update --enable-oidc-issuer --enable-workload-identity "
           "(workload identity needs both)")  # fmt: skip
    url = getattr(profile, "issuer_url", None) if profile is not None else None
    if not getattr(profile, "enabled", False) or not url:
        raise ValueError(f"AKS cluster {cluster} has no OIDC issuer: {fix}")
    webhook = getattr(security, "workload_identity", None) if security is not None else None
    if not getattr(webhook, "enabled", False):
        raise ValueError(f"AKS cluster {cluster} has no workload identity: {fix}")
    return str(url)


class AzureExistingKubernetes(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    oidc_issuer_url: pulumi.Output[str]
    vnet_id: pulumi.Output[str]
    subnet_id: pulumi.Output[str]
    provider: k8s.Provider
    """The Kubernetes provider of the cluster, configured from the stack's settings."""

    def __init__(
        self,
        name: str,
        args: AzureExistingKubernetesArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AzureExistingKubernetes", name, {}, opts)
        options = args.options
        settings: dict[str, Any] = dict(args.provider_settings)
        self.provider = k8s.Provider(
            f"{name}-kubernetes", opts=pulumi.ResourceOptions(parent=self), **settings
        )
        found = azure_native.containerservice.get_managed_cluster_output(
            resource_group_name=options.resource_group, resource_name=options.cluster_name,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )  # fmt: skip
        self.cluster_name = pulumi.Output.from_input(options.cluster_name)
        self.oidc_issuer_url = found.apply(
            lambda cluster: issuer(
                options.cluster_name, cluster.oidc_issuer_profile, cluster.security_profile
            )
        )
        self.vnet_id = pulumi.Output.from_input(options.vnet_id)
        self.subnet_id = pulumi.Output.from_input(options.subnet_id)
        self.register_outputs({output: getattr(self, output) for output in OUTPUTS})
