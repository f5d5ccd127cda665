"""What the serving execution role may do: read the models it serves, write captures, pull
the images it serves, log, and run in the VPC. Plain statements, no resources."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from components.aws.shared import iam
from components.aws.shared.sagemaker_access import pull_images, repository_of

# SageMaker runs the model in the subnets through network interfaces it creates with the role.
# The Describe calls support no resource-level permissions: AWS only accepts Resource "*".
NETWORK_DESCRIBE_ACTIONS = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
                            "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets",
                            "ec2:DescribeSecurityGroups"]  # fmt: skip
NETWORK_INTERFACE_ACTIONS = ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
                             "ec2:DeleteNetworkInterfacePermission"]  # fmt: skip


def model_object_arn(model_data_url: str, partition: str) -> str:
    """`s3://bucket/key/model.tar.gz` -> `arn:aws:s3:::bucket/key/model.tar.gz`."""
    return f"arn:{partition}:s3:::{model_data_url.removeprefix('s3://')}"


def execution_role_statements(
    *,
    region: str,
    partition: str,
    account_id: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    artifact_bucket_arn: pulumi.Input[str],
    capture_bucket_arn: pulumi.Input[str],
    model_data_url: str | None,
    repository_arn: pulumi.Input[str],
    images: Sequence[pulumi.Input[str]],
    subnet_ids: pulumi.Input[Sequence[str]],
    security_group_id: pulumi.Input[str],
) -> list[iam.Statement]:
    """Read the model, write captures, pull images, log, and run in the VPC: nothing else.

    `images` are the URIs of every image the role may serve: the given or default one, and
    the one training registers model packages with. The default images live in AWS-owned
    repositories; CreateModel fails unless the role may pull from exactly those.
    """
    ec2_arn = pulumi.Output.concat(f"arn:{partition}:ec2:{region}:", account_id, ":")
    network_interfaces = pulumi.Output.concat(ec2_arn, "network-interface/*")
    placement = pulumi.Output.all(ec2_arn, security_group_id, subnet_ids).apply(
        lambda found: _placement_arns(*found)
    )
    # A model named by the blueprint may be anywhere: the role reads that object, no more.
    model = (
        [iam.allow(["s3:GetObject"], [model_object_arn(model_data_url, partition)])]
        if model_data_url is not None
        else []
    )
    return [
        iam.read_buckets([artifact_bucket_arn]),
        *model,
        iam.write_buckets([capture_bucket_arn]),
        *iam.use_key(kms_key_arn),
        *pull_images([repository_arn, *(repository_of(image, partition) for image in images)]),
        iam.write_logs(region, account_id),
        # The instances publish CPU, memory and disk metrics with the role. PutMetricData has
        # no resources; the namespace condition is the only scope AWS offers.
        iam.allow(
            ["cloudwatch:PutMetricData"],
            ["*"],
            Condition={"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}},
        ),
        iam.allow(NETWORK_DESCRIBE_ACTIONS, ["*"]),
        {"Effect": "Allow", "Action": ["ec2:CreateNetworkInterface"], "Resource": placement},
        iam.allow(NETWORK_INTERFACE_ACTIONS, [network_interfaces]),
    ]


def _placement_arns(ec2_arn: str, security_group_id: str, subnet_ids: Sequence[str]) -> list[str]:
    """New interfaces may only be created in this blueprint's subnets and security group."""
    return [
        f"{ec2_arn}network-interface/*",
        f"{ec2_arn}security-group/{security_group_id}",
        *(f"{ec2_arn}subnet/{subnet_id}" for subnet_id in subnet_ids),
    ]
