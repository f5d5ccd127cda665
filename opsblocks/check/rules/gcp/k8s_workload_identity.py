"""GKE clusters use Workload Identity, and their node pools hide the node's credentials.
Autopilot clusters always have Workload Identity (and no node pools of their own)."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._gke import CLUSTER, NODE_POOL


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        if cluster.get("enableAutopilot") is True:
            continue
        pool = cluster.get("workloadIdentityConfig.workloadPool")
        if not pool and not is_unknown(cluster.get("workloadIdentityConfig")):
            yield Flag(cluster, "no Workload Identity: pods use the node's service account")
    for pool in stack.of_type(NODE_POOL):
        mode = pool.get("nodeConfig.workloadMetadataConfig.mode")
        if mode != "GKE_METADATA" and not is_unknown(pool.get("nodeConfig")):
            yield Flag(pool, "node pool exposes the node's metadata server to pods")


RULE = Rule(
    id="OB-GCP-GKE-005",
    severity=Severity.high,
    title="GKE clusters use Workload Identity and node pools the GKE metadata server",
    protects="every pod acting as the node's service account, or reading its credentials",
    fix="set workload_identity_config; node pools: workload_metadata_config mode GKE_METADATA",
    source="CIS GKE Benchmark: Workload Identity; GKE Metadata Server enabled",
    check=check,
)
