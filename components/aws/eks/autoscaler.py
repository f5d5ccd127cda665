"""The Kubernetes Cluster Autoscaler of the eks tool: the community chart (pinned) in
kube-system, on the system node group, with its AWS identity through EKS Pod Identity.

EKS managed node groups tag their Auto Scaling groups `k8s.io/cluster-autoscaler/enabled` and
`k8s.io/cluster-autoscaler/<cluster>` = owned: the chart discovers the groups by those two tags,
and the role may change only groups that carry both. It moves each group's desired size
between the group's min and max (the node groups ignore later changes of it); the system group
has min = max, so it is discovered but never resized.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.aws.shared import iam

CHART = "cluster-autoscaler"
CHART_REPOSITORY = "https://kubernetes.github.io/autoscaler"
CHART_VERSION = "9.59.0"
"""The newest chart; it ships the autoscaler 1.35.0, so IMAGE_TAG overrides the image."""
IMAGE_TAG = "v1.36.1"
"""The autoscaler's minor follows the cluster's (KUBERNETES_VERSION 1.36): it is built against
that minor's scheduler. Raise it with the cluster, and drop it once a chart ships 1.36."""
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "cluster-autoscaler"
RELEASE = "cluster-autoscaler"
SYSTEM_POOL = {"opsblocks.io/pool": "system"}
TIMEOUT_SECONDS = 600
DESCRIBE = (
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "autoscaling:DescribeTags",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
)
"""Read-only calls that take no resource ARN (Resource must be `*`)."""
SCALE = ("autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup")


def owner_tag(cluster_name: str) -> str:
    return f"k8s.io/cluster-autoscaler/{cluster_name}"


def permissions(
    cluster_name: str, region: str, account_id: pulumi.Input[str]
) -> pulumi.Output[str]:
    """Describe calls on `*` (they take no resource); resizing and terminating only in Auto
    Scaling groups this cluster owns by tag; the node groups of this cluster read (their labels
    and taints, so a group at zero nodes, the GPU one, can be scaled up)."""
    partition = iam.aws_partition(region)
    node_groups = pulumi.Output.concat(
        f"arn:{partition}:eks:{region}:", account_id, f":nodegroup/{cluster_name}/*/*"
    )
    return iam.document(
        iam.allow(list(DESCRIBE), ["*"]),
        iam.allow(
            list(SCALE),
            ["*"],
            Condition={
                "StringEquals": {
                    f"aws:ResourceTag/{owner_tag(cluster_name)}": "owned",
                    "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
                }
            },
        ),
        iam.allow(["eks:DescribeNodegroup"], [node_groups]),
    )


def chart_values(cluster_name: str, region: str) -> dict[str, Any]:
    """Keys of the chart's values.yaml at CHART_VERSION."""
    return {
        "cloudProvider": "aws",
        "awsRegion": region,
        "autoDiscovery": {"clusterName": cluster_name},
        "image": {"tag": IMAGE_TAG},
        "rbac": {"serviceAccount": {"create": True, "name": SERVICE_ACCOUNT}},
        # Node groups of the same instance type in the same zones are kept the same size.
        "extraArgs": {"balance-similar-node-groups": "true"},
        # On the fixed-size system group: never on a node it might remove.
        "nodeSelector": dict(SYSTEM_POOL),
        # What the restricted Pod Security Standard asks of a pod and its container.
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 65534,
            "runAsGroup": 65534,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containerSecurityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }


def install(
    name: str,
    *,
    cluster: pulumi.Input[str],
    cluster_name: str,
    region: str,
    account_id: pulumi.Input[str],
    tags: Mapping[str, str],
    provider: k8s.Provider,
    after: Sequence[pulumi.Resource],
    parent: pulumi.Resource,
) -> tuple[aws.iam.Role, aws.eks.PodIdentityAssociation, k8s.helm.v3.Release]:
    """The role, its association with kube-system/cluster-autoscaler, and the release, which
    waits for the association (the pod's first AWS call needs it) and for `after`. `cluster`
    is the cluster's name as the cluster resource gives it; `cluster_name` the same, known
    before `up`, for the tag keys."""
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-autoscaler",
        description="opsblocks Cluster Autoscaler (EKS Pod Identity): this cluster's groups",
        assume_role_policy=iam.pod_identity_trust(
            "PodIdentityOfTheClusterAutoscaler", cluster_name, NAMESPACE, SERVICE_ACCOUNT
        ),
        tags=dict(tags),
        opts=child,
    )
    policy = aws.iam.RolePolicy(
        f"{name}-autoscaler",
        role=role.id,
        policy=permissions(cluster_name, region, account_id),
        opts=child,
    )
    association = aws.eks.PodIdentityAssociation(
        f"{name}-autoscaler",
        cluster_name=cluster,
        namespace=NAMESPACE,
        service_account=SERVICE_ACCOUNT,
        role_arn=role.arn,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[policy, *after]),
    )
    release = k8s.helm.v3.Release(
        f"{name}-autoscaler",
        name=RELEASE,
        chart=CHART,
        version=CHART_VERSION,
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=CHART_REPOSITORY),
        namespace=NAMESPACE,
        values=chart_values(cluster_name, region),
        atomic=True,
        cleanup_on_fail=True,
        timeout=TIMEOUT_SECONDS,
        max_history=10,
        opts=pulumi.ResourceOptions(
            parent=parent, provider=provider, depends_on=[association, *after]
        ),
    )
    return role, association, release
