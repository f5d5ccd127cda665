"""GKE encrypts Kubernetes secrets with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._gke import CLUSTER


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        encryption = cluster.get("databaseEncryption")
        if is_unknown(encryption):
            continue
        if cluster.get("databaseEncryption.state") != "ENCRYPTED" or not cluster.get(
            "databaseEncryption.keyName"
        ):
            yield Flag(cluster, "Kubernetes secrets without application-layer encryption")


RULE = Rule(
    id="OB-GCP-GKE-002",
    severity=Severity.high,
    title="GKE clusters envelope-encrypt Kubernetes secrets with the customer-managed key",
    protects="secrets readable from etcd backups under keys the platform cannot revoke",
    fix="set database_encryption=ClusterDatabaseEncryptionArgs(state='ENCRYPTED', key_name=<key>)",
    source="CIS GKE Benchmark: Kubernetes Secrets are encrypted using keys managed in Cloud KMS",
    check=check,
)
