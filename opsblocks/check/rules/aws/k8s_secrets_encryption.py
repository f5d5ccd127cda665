"""EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._eks import CLUSTER


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        encryption = cluster.get("encryptionConfig")
        if is_unknown(encryption):
            continue
        key = cluster.get("encryptionConfig.provider.keyArn")
        if not key or "secrets" not in as_list(cluster.get("encryptionConfig.resources")):
            yield Flag(cluster, "Kubernetes secrets are not encrypted with a KMS key")


RULE = Rule(
    id="OB-AWS-EKS-002",
    severity=Severity.high,
    title="EKS clusters encrypt Kubernetes secrets with the platform's KMS key",
    protects="secrets readable by whoever reads etcd's storage, under a key nobody can revoke",
    fix="aws.eks.Cluster(encryption_config={provider: {key_arn: <key>}, resources: ['secrets']})",
    source="AWS FSBP EKS.3",
    check=check,
)
