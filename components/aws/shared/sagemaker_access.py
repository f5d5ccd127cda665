"""What a SageMaker execution role needs to run its containers: pull their images and, for
jobs and models in a VPC, manage the network interfaces SageMaker creates with the role.

Plain statements (no resources), shared by the training, serving and monitoring roles.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from components.aws.shared import iam

# The SageMaker XGBoost image trains, processes and serves by default: training registers model
# packages with it, the endpoint and the deploy stage serve them with it.
DEFAULT_IMAGE_REPOSITORY = "sagemaker-xgboost"
DEFAULT_IMAGE_TAG = "1.7-1"
VARIANT = "AllTraffic"
"""The endpoint's one production variant: monitoring's alarms and dashboard name it too."""
ECR_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer")  # fmt: skip
VPC_JOB_ACTIONS = (
    "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
    "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
)  # fmt: skip


def image_repository_arn(image_uri: str, partition: str) -> str:
    """<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest] -> repository ARN.

    Works for AWS-owned images too (XGBoost, the Model Monitor analyzer): their repositories
    live in AWS accounts, and the role must be allowed to pull from exactly those.
    """
    registry, _, path = image_uri.partition("/")
    account, _, _, region = registry.split(".")[:4]
    repository = path.split("@")[0].split(":")[0]
    return f"arn:{partition}:ecr:{region}:{account}:repository/{repository}"


def repository_of(image_uri: pulumi.Input[str], partition: str) -> pulumi.Output[str]:
    return pulumi.Output.from_input(image_uri).apply(
        lambda uri: image_repository_arn(uri, partition)
    )


def pull_images(repository_arns: Sequence[pulumi.Input[str]]) -> list[iam.Statement]:
    """Pull from exactly these repositories. GetAuthorizationToken is account-wide: AWS accepts
    no resource but "*" for it."""
    unique = pulumi.Output.all(*repository_arns).apply(lambda arns: sorted(set(arns)))
    return [
        {"Effect": "Allow", "Action": list(ECR_PULL_ACTIONS), "Resource": unique},
        iam.allow(["ecr:GetAuthorizationToken"], ["*"]),
    ]


def run_jobs_in_vpc() -> iam.Statement:
    """Network interfaces of processing and training jobs in a VPC (Model Monitor runs
    processing jobs). SageMaker's role documentation: for a processing job in a VPC, do not
    scope these with conditions or resource filters, or the validation checks run when the job
    is created fail. The subnets and security group the job may use are fixed by the job
    definition, not by this statement."""
    return iam.allow(VPC_JOB_ACTIONS, ["*"])
