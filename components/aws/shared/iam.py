"""IAM policy documents as plain data, so tests can read what a role is allowed to do.

Statements are dicts in the IAM JSON shape; `document()` turns them into the JSON string an
IAM resource takes, resolving any Outputs inside. No statement here ever pairs `*` actions with
`*` resources.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

Statement = dict[str, Any]


def aws_partition(region: str) -> str:
    """The ARN partition of a region: aws, aws-us-gov or aws-cn."""
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def document(*statements: Statement) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(
    actions: Sequence[str], resources: Sequence[pulumi.Input[str]], **extra: Any
) -> Statement:
    return {"Effect": "Allow", "Action": list(actions), "Resource": list(resources), **extra}


def assume_role(service: str) -> pulumi.Output[str]:
    """Trust policy letting one AWS service assume a role."""
    return document(
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    )


POD_IDENTITY = "pods.eks.amazonaws.com"


def pod_identity_trust(
    sid: str, cluster_name: pulumi.Input[str], namespace: str, service_account: str
) -> pulumi.Output[str]:
    """A role's trust for EKS Pod Identity, which assumes it with session tags naming the pod's
    cluster, namespace and service account: only that service account on that cluster gets it
    (any other association in the account naming the role is refused)."""
    return document(
        {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": POD_IDENTITY},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {
                    "aws:RequestTag/eks-cluster-name": cluster_name,
                    "aws:RequestTag/kubernetes-namespace": namespace,
                    "aws:RequestTag/kubernetes-service-account": service_account,
                }
            },
        }
    )


def service_role(
    name: str,
    service: str,
    policy: pulumi.Input[str] | Callable[[aws.iam.Role], pulumi.Input[str]],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
    description: str | None = None,
) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
    """A role `service` may assume, and its inline policy under the same name.

    `policy` may be a function of the role, for a policy that names the role itself (e.g. a
    PassRole on its own ARN). Resources that need the permissions in place depend on the
    returned RolePolicy, not the Role.
    """
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(name, description=description, assume_role_policy=assume_role(service),
                        tags=tags, opts=child)  # fmt: skip
    role_policy = aws.iam.RolePolicy(
        name, role=role.id, policy=policy(role) if callable(policy) else policy, opts=child
    )
    return role, role_policy


def objects_of(bucket_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat(bucket_arn, "/*")


def read_buckets(bucket_arns: Sequence[pulumi.Input[str]]) -> Statement:
    return allow(
        ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"],
        [*bucket_arns, *(objects_of(arn) for arn in bucket_arns)],
    )


def write_buckets(bucket_arns: Sequence[pulumi.Input[str]]) -> Statement:
    return allow(
        ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation",
         "s3:AbortMultipartUpload"],
        [*bucket_arns, *(objects_of(arn) for arn in bucket_arns)],
    )  # fmt: skip


def use_key(key_arn: pulumi.Input[str]) -> list[Statement]:
    """Encrypt and decrypt with the platform key, and let AWS services that work for the role
    (SageMaker volumes, ...) create grants on it. CreateGrant has a statement of its own with
    `Bool` kms:GrantIsForAWSResource "true" (KMS documents the key as Bool): a CreateGrant the
    role (or code running as it) sends itself carries no such key, and `BoolIfExists` would
    let it through, handing the key to any principal. The other actions never carry the key,
    so they cannot share that condition."""
    return [
        allow(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey",
               "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
               "kms:DescribeKey"], [key_arn]),
        allow(["kms:CreateGrant"], [key_arn],
              Condition={"Bool": {"kms:GrantIsForAWSResource": "true"}}),
    ]  # fmt: skip


def write_logs(region: str, account_id: pulumi.Input[str]) -> Statement:
    """Write to the SageMaker log groups (jobs and endpoints log to /aws/sagemaker/...) of this
    account and region; the ARN's partition follows the region."""
    log_groups = pulumi.Output.concat(
        f"arn:{aws_partition(region)}:logs:{region}:", account_id, ":log-group:/aws/sagemaker/*"
    )
    return allow(
        ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
         "logs:DescribeLogStreams"],
        [log_groups],
    )  # fmt: skip


def tls_only(bucket_arn: pulumi.Input[str]) -> Statement:
    """Deny any request to the bucket that does not use TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, objects_of(bucket_arn)],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
