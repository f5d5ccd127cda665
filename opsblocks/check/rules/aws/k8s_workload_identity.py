"""EKS clusters run the Pod Identity Agent, so pods get their own AWS roles."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._eks import CLUSTER, addons


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        if not any(addons(stack, cluster, "eks-pod-identity-agent")):
            yield Flag(cluster, "no eks-pod-identity-agent add-on: pods get no roles of their "
                                "own (static keys or the node's role instead)")  # fmt: skip


RULE = Rule(
    id="OB-AWS-EKS-005",
    severity=Severity.high,
    title="EKS clusters run the Pod Identity Agent, so each tool's pods get their own role",
    protects="static access keys in pods, or every pod sharing the node role's rights",
    fix="aws.eks.Addon(cluster_name=cluster.name, addon_name='eks-pod-identity-agent')",
    source="Amazon EKS Best Practices Guide, identity and access management (EKS Pod Identity)",
    check=check,
)
