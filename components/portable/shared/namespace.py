"""A portable tool's home on the cluster: its namespace, held to the restricted Pod Security
Standard, and the service account its pods run as, bound to the tool's cloud identity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.portable.inputs import WorkloadIdentity

RESTRICTED = {
    f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")
}
"""Pod Security Admission: pods run as non-root, without privilege escalation or host access."""


@dataclass(frozen=True, kw_only=True)
class PortableNamespaceArgs:
    labels: Mapping[str, str]
    """The platform's labels (blueprint, capability, tool), on the namespace and account."""
    namespace: str
    identity: WorkloadIdentity
    service_account: str = "runner"


class PortableNamespace(pulumi.ComponentResource):
    namespace: pulumi.Output[str]
    service_account: pulumi.Output[str]
    pod_labels: Mapping[str, str]
    """Labels the tool's pods must carry for the workload identity to apply."""

    def __init__(
        self, name: str, args: PortableNamespaceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:PortableNamespace", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=args.namespace, labels={**args.labels, **RESTRICTED}
            ),
            opts=child,
        )
        account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=args.service_account,
                namespace=namespace.metadata.name,
                labels=dict(args.labels),
                annotations=dict(args.identity.service_account_annotations),
            ),
            # Tokens are projected into the pods that need them, never mounted by default.
            automount_service_account_token=False,
            opts=child,
        )
        self.namespace = namespace.metadata.name
        self.service_account = account.metadata.name
        self.pod_labels = dict(args.identity.pod_labels)
        self.register_outputs(
            {"namespace": self.namespace, "service_account": self.service_account}
        )
