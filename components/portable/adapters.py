"""One thin adapter per cloud: a cloud identity -> the cloud-neutral `WorkloadIdentity`.

- EKS Pod Identity: nothing on the service account or the pods. An
  `aws.eks.PodIdentityAssociation` (the cloud side) binds the role to the cluster, namespace and
  service account; the EKS Pod Identity Agent hands the pods their credentials.
- GKE Workload Identity: the service account names the Google service account, which grants
  `roles/iam.workloadIdentityUser` to `serviceAccount:<project>.svc.id.goog[<namespace>/<name>]`.
- AKS Workload Identity: the service account names the managed identity's client id; the pods
  carry `azure.workload.identity/use: "true"`; the identity has a federated credential for the
  cluster's issuer and `system:serviceaccount:<namespace>:<name>`.
The cloud side of each binding (Pod Identity association, IAM member, federated credential) is
the cloud's component's job; these functions only say what Kubernetes must carry.
"""

from __future__ import annotations

import pulumi

from components.portable.inputs import WorkloadIdentity


def aws_identity() -> WorkloadIdentity:
    """EKS Pod Identity binds by namespace and service account, so Kubernetes carries nothing."""
    return WorkloadIdentity(service_account_annotations={})


def gcp_identity(service_account_email: pulumi.Input[str]) -> WorkloadIdentity:
    return WorkloadIdentity(
        service_account_annotations={"iam.gke.io/gcp-service-account": service_account_email}
    )


def azure_identity(client_id: pulumi.Input[str]) -> WorkloadIdentity:
    return WorkloadIdentity(
        service_account_annotations={"azure.workload.identity/client-id": client_id},
        pod_labels={"azure.workload.identity/use": "true"},
    )
