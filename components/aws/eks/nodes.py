"""The node groups of the eks tool: a launch template every group shares (IMDSv2 with one
hop, root volume encrypted with the platform key, the cluster's and the platform's security
groups) and the system, workload and optional GPU groups on it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.eks.options import EksKubernetesOptions
from components.aws.shared import iam

GPU_TAINT = aws.eks.NodeGroupTaintArgs(key="nvidia.com/gpu", value="present",
                                       effect="NO_SCHEDULE")  # fmt: skip
NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly",
                 "AmazonEKS_CNI_Policy")  # fmt: skip
"""What a node needs and nothing more: join the cluster, pull images, and let the VPC CNI
(which runs on the host network) give pods addresses. Pods cannot use the node's role: one
metadata hop keeps them from the instance metadata service; they get roles by Pod Identity."""


@dataclass(frozen=True, kw_only=True)
class Pool:
    role: str
    ami_type: str
    instance_type: str
    min_size: int
    max_size: int
    desired_size: int
    taints: tuple[aws.eks.NodeGroupTaintArgs, ...] = ()


def pools(options: EksKubernetesOptions) -> list[Pool]:
    """The node groups the options ask for: system, workloads, and GPU when set."""
    found = [
        Pool(role="system", ami_type="AL2023_x86_64_STANDARD",
             instance_type=options.system_instance_type, min_size=options.system_nodes,
             max_size=options.system_nodes, desired_size=options.system_nodes),
        Pool(role="workloads", ami_type="AL2023_x86_64_STANDARD",
             instance_type=options.instance_type, min_size=options.min_nodes,
             max_size=options.max_nodes, desired_size=max(options.min_nodes, 1)),
    ]  # fmt: skip
    if options.gpu is not None:
        found.append(
            Pool(role="gpu", ami_type="AL2023_x86_64_NVIDIA",
                 instance_type=options.gpu.instance_type, min_size=0,
                 max_size=options.gpu.max_nodes, desired_size=0, taints=(GPU_TAINT,))
        )  # fmt: skip
    return found


def node_role(
    name: str, partition: str, tags: Mapping[str, str], parent: pulumi.Resource
) -> tuple[aws.iam.Role, list[aws.iam.RolePolicyAttachment]]:
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-node-role",
        assume_role_policy=iam.assume_role("ec2.amazonaws.com"),
        description=f"opsblocks {name}: EKS nodes",
        tags=tags,
        opts=child,
    )
    attachments = [
        aws.iam.RolePolicyAttachment(
            f"{name}-node-{policy.lower().replace('_', '-')}",
            role=role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/{policy}",
            opts=child,
        )
        for policy in NODE_POLICIES
    ]
    return role, attachments


def launch_template(
    name: str,
    *,
    kms_key_arn: pulumi.Input[str],
    security_group_ids: Sequence[pulumi.Input[str]],
    disk_size_gb: int,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.ec2.LaunchTemplate:
    return aws.ec2.LaunchTemplate(
        f"{name}-nodes",
        description=f"opsblocks {name}: EKS nodes",
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
        ),
        block_device_mappings=[
            aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name="/dev/xvda",  # the root device of the EKS-optimized AL2023 AMIs
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=disk_size_gb,
                    volume_type="gp3",
                    encrypted="true",
                    kms_key_id=kms_key_arn,
                    delete_on_termination="true",
                ),
            )
        ],
        # Given here, these replace the cluster security group EKS would add: keep it (the
        # control plane talks to kubelets through it) and add the platform's group, which the
        # VPC endpoints (ECR, STS, EC2, logs, Pod Identity) admit.
        vpc_security_group_ids=list(security_group_ids),
        tag_specifications=[
            aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=tags)
            for kind in ("instance", "volume", "network-interface")
        ],
        update_default_version=True,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def node_groups(
    name: str,
    *,
    cluster: aws.eks.Cluster,
    role: aws.iam.Role,
    template: aws.ec2.LaunchTemplate,
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]],
    options: EksKubernetesOptions,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
    after: Sequence[pulumi.Resource],
) -> list[aws.eks.NodeGroup]:
    return [
        aws.eks.NodeGroup(
            f"{name}-{pool.role}",
            cluster_name=cluster.name,
            node_role_arn=role.arn,
            subnet_ids=subnet_ids,
            ami_type=pool.ami_type,
            capacity_type="ON_DEMAND",
            instance_types=[pool.instance_type],
            # Nodes follow the control plane's version (raise the cluster first, then these).
            version=cluster.version,
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(lambda v: f"{v}")
            ),
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=pool.min_size, max_size=pool.max_size, desired_size=pool.desired_size
            ),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            labels={"opsblocks.io/pool": pool.role},
            taints=list(pool.taints) or None,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=parent,
                depends_on=list(after),
                # The Cluster Autoscaler moves the desired size between min and max: keep it.
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )
        for pool in pools(options)
    ]
