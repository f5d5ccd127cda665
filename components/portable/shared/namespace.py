"""A portable tool's home on the cluster: its namespace, held to the restricted Pod Security
Standard, and the service account its pods run as, bound to the tool's cloud identity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.portable.inputs import WorkloadIdentity

POD_SECURITY_VERSION = "v1.33"
"""The Pod Security Standards version the namespace is held to: pinned, so a cluster upgrade
does not tighten (or loosen) what the tool's pods may do until this is raised."""
RESTRICTED = {
    label: value
    for mode in ("enforce", "audit", "warn")
    for label, value in (
        (f"pod-security.kubernetes.io/{mode}", "restricted"),
        (f"pod-security.kubernetes.io/{mode}-version", POD_SECURITY_VERSION),
    )
}
"""Pod Security Admission: pods run as non-root, without privilege escalation or host access.
Applied after the platform's labels, so no label given can weaken it."""


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
    """Labels every pod template of the tool must carry for its workload identity to apply
    (AKS gives an unlabelled pod no credentials, silently)."""

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
            # No Kubernetes API token in pods by default. Workload identity does not need one
            # (the EKS and AKS webhooks project their own token; GKE's metadata server needs
            # none); a tool whose pods call the Kubernetes API (CI agents, pipeline runners)
            # sets automountServiceAccountToken: true in its pod spec.
            automount_service_account_token=False,
            opts=child,
        )
        self.namespace = namespace.metadata.name
        self.service_account = account.metadata.name
        self.pod_labels = dict(args.identity.pod_labels)
        self.register_outputs(
            {"namespace": self.namespace, "service_account": self.service_account}
        )
