"""One thin adapter per cloud: a cloud identity -> the cloud-neutral `WorkloadIdentity`.

- EKS (IAM roles for service accounts): the service account names the role; the role's trust
  policy names the cluster's OIDC issuer and `system:serviceaccount:<namespace>:<name>`.
- GKE Workload Identity: the service account names the Google service account, which grants
  `roles/iam.workloadIdentityUser` to `serviceAccount:<project>.svc.id.goog[<namespace>/<name>]`.
- AKS Workload Identity: the service account names the managed identity's client id; the pods
  carry `azure.workload.identity/use: "true"`; the identity has a federated credential for the
  cluster's issuer and `system:serviceaccount:<namespace>:<name>`.
The cloud side of each binding (trust policy, IAM member, federated credential) is the cloud's
component's job; these functions only say what Kubernetes must carry.
"""

from __future__ import annotations

import pulumi

from components.portable.inputs import WorkloadIdentity


def aws_identity(role_arn: pulumi.Input[str]) -> WorkloadIdentity:
    return WorkloadIdentity(service_account_annotations={"eks.amazonaws.com/role-arn": role_arn})


def gcp_identity(service_account_email: pulumi.Input[str]) -> WorkloadIdentity:
    return WorkloadIdentity(
        service_account_annotations={"iam.gke.io/gcp-service-account": service_account_email}
    )


def azure_identity(client_id: pulumi.Input[str]) -> WorkloadIdentity:
    return WorkloadIdentity(
        service_account_annotations={"azure.workload.identity/client-id": client_id},
        pod_labels={"azure.workload.identity/use": "true"},
    )
