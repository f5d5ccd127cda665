"""eks: an EKS cluster the blueprint creates, for the tools that install onto Kubernetes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from components.aws.eks.options import EksKubernetesOptions
from opsblocks.contracts.aws import AwsPlatformKubernetes
from opsblocks.errors import ConfigError
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: EksKubernetesOptions) -> AwsPlatformKubernetes:
    import pulumi

    from components.aws.eks.component import AwsEksKubernetes, AwsEksKubernetesArgs

    cluster = AwsEksKubernetes(
        site.name,
        AwsEksKubernetesArgs(
            tags=site.tags,
            **site.network,
            **site.common,
            vpc_id=site.foundation.vpc_id,
            route_table_ids=site.foundation.private_route_table_ids,
            vpc_cidr=site.foundation.vpc_cidr,
            availability_zones=site.env.availability_zones,
            nat_per_zone=site.prod,
            cluster_name=site.physical("kubernetes"),
            log_retention_days=site.env.log_retention_days,
            protect=site.env.protect_data,
            # `aws eks get-token` signs as the stack's AWS profile, like the AWS provider.
            aws_profile=pulumi.Config("aws").get("profile"),
            role_arn=assumed_role(pulumi.Config("aws").get("assumeRoles")),
            options=options,
        ),
        site.opts,
    )
    return AwsPlatformKubernetes(provider=cluster.provider, cluster_name=cluster.cluster_name,
                         node_security_group_id=cluster.node_security_group_id)  # fmt: skip


def assumed_role(assume_roles: str | None) -> str | None:
    """The role the AWS provider ends up as, from the stack's `aws:assumeRoles` (JSON: a list
    of `{roleArn, ...}`, assumed in turn): the last one's ARN; None when it assumes none."""
    if not assume_roles:
        return None
    try:
        roles: object = json.loads(assume_roles)
    except json.JSONDecodeError:
        roles = None
    if not isinstance(roles, list) or not all(isinstance(r, dict) for r in roles):
        raise ConfigError(
            f"stack config aws:assumeRoles: {assume_roles!r} is not a list of roles "
            "(e.g. [{roleArn: arn:aws:iam::123456789012:role/deployer}])"
        )
    if not roles:
        return None
    arn = roles[-1].get("roleArn")
    if not isinstance(arn, str) or not arn:
        raise ConfigError("stack config aws:assumeRoles: its last role has no roleArn")
    return arn


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.kubernetes,
    name="eks",
    description="EKS cluster: private API endpoint, secrets encrypted with the platform key, "
    "Pod Identity, network policies, control-plane logs; system, autoscaling and GPU node groups",
    options=EksKubernetesOptions,
    component="components.aws.eks.component:AwsEksKubernetes",
    build=build,
    proposed=False,
    gives=AwsPlatformKubernetes,
    names=(
        NameRule("EKS cluster", 100, "-staging-kubernetes", autonamed=False),
        NameRule("IAM role", 64, "-kubernetes-cluster-role"),
        NameRule("EKS node group", 63, "-kubernetes-workloads"),
    ),
    main_types=("aws.eks.Cluster", "aws.eks.NodeGroup"),
    setup=(
        # Node volumes are encrypted through a grant to this role, which must exist (it does
        # once the account has had any Auto Scaling group); an error here means it exists.
        "aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com",
    ),
    coverage={"gpu": {"instance_type": "g5.xlarge", "max_nodes": 2}},
)
