"""The MLflow server's AWS identity, through EKS Pod Identity (no static key): a role only the
server's service account on this cluster can assume, allowed to read and write the artifact
bucket's objects and to use the platform key for them through S3, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.shared import iam


@dataclass(frozen=True, kw_only=True)
class IdentityInputs:
    cluster_name: pulumi.Input[str]
    namespace: str
    service_account: str
    bucket_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    region: str
    tags: Mapping[str, str]


def artifact_access(inputs: IdentityInputs) -> pulumi.Output[str]:
    """Objects of the artifact bucket, and the key only as S3 uses it for them."""
    return iam.document(
        iam.write_buckets([inputs.bucket_arn]),
        iam.allow(
            ["kms:Decrypt", "kms:GenerateDataKey"],
            [inputs.kms_key_arn],
            Condition={"StringEquals": {"kms:ViaService": f"s3.{inputs.region}.amazonaws.com"}},
        ),
    )


def server_identity(
    name: str, inputs: IdentityInputs, parent: pulumi.Resource
) -> tuple[aws.iam.Role, aws.eks.PodIdentityAssociation]:
    child = pulumi.ResourceOptions(parent=parent)
    tags = dict(inputs.tags)
    role = aws.iam.Role(
        name,
        description="opsblocks MLflow server (EKS Pod Identity): the artifact bucket only",
        assume_role_policy=iam.pod_identity_trust(
            "PodIdentityOfTheMlflowServer",
            inputs.cluster_name,
            inputs.namespace,
            inputs.service_account,
        ),
        tags=tags,
        opts=child,
    )
    policy = aws.iam.RolePolicy(name, role=role.id, policy=artifact_access(inputs), opts=child)
    association = aws.eks.PodIdentityAssociation(
        name,
        cluster_name=inputs.cluster_name,
        namespace=inputs.namespace,
        service_account=inputs.service_account,
        role_arn=role.arn,
        tags=tags,
        # Pods get credentials once associated: the permissions are in place before.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[policy]),
    )
    return role, association
