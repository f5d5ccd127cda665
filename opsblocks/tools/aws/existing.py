"""existing: an EKS cluster the user already has, reached through the stack's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.existing.options import ExistingKubernetesOptions
from opsblocks.contracts.aws import AwsKubernetes
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: ExistingKubernetesOptions) -> AwsKubernetes:
    import pulumi_kubernetes as k8s

    from components.aws.existing.component import (
        AwsExistingKubernetes,
        AwsExistingKubernetesArgs,
    )
    from opsblocks.providers import stack_settings

    # An explicit provider reads no stack config: the stack's kubernetes:* settings are
    # handed to it (the context names the cluster).
    settings: dict[str, object] = stack_settings("kubernetes", k8s.ProviderArgs, decided={})
    cluster = AwsExistingKubernetes(
        site.name, AwsExistingKubernetesArgs(settings=settings, options=options), site.opts
    )
    return AwsKubernetes(provider=cluster.provider, cluster_name=cluster.cluster_name,
                         node_security_group_id=options.node_security_group_id)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.kubernetes,
    name="existing",
    description="An EKS cluster you already have (it must run the EKS Pod Identity Agent "
    "add-on), reached through the stack's kubernetes:context",
    options=ExistingKubernetesOptions,
    component="components.aws.existing.component:AwsExistingKubernetes",
    build=build,
    proposed=False,
    gives=AwsKubernetes,
    setup=("pulumi config set kubernetes:context <your cluster's kubeconfig context> -s {stack}",),
    coverage={"cluster_name": "ml-cluster", "node_security_group_id": "sg-0123456789abcdef0"},
)
