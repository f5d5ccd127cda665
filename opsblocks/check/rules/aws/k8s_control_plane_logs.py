"""EKS clusters log every control-plane log type."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._eks import CLUSTER

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        enabled = cluster.get("enabledClusterLogTypes")
        if is_unknown(enabled):
            continue
        missing = [t for t in LOG_TYPES if t not in as_list(enabled)]
        if missing:
            yield Flag(cluster, f"control-plane logs off: {', '.join(missing)}")


RULE = Rule(
    id="OB-AWS-EKS-003",
    severity=Severity.medium,
    title="EKS clusters send all five control-plane log types (audit included) to CloudWatch",
    protects="no record of who did what on the cluster when an incident is investigated",
    fix="aws.eks.Cluster(enabled_cluster_log_types=[api, audit, authenticator, "
    "controllerManager, scheduler])",
    source="AWS FSBP EKS.8",
    check=check,
)
