"""GKE enforces Kubernetes network policies (Dataplane V2, or the Calico add-on). Autopilot
clusters always run Dataplane V2, whatever the cluster's inputs say."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._gke import CLUSTER


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        if cluster.get("enableAutopilot") is True:
            continue
        if cluster.get("datapathProvider") == "ADVANCED_DATAPATH":
            continue
        if cluster.get("networkPolicy.enabled") is True:
            continue
        yield Flag(cluster, "network policies are not enforced (neither Dataplane V2 nor Calico)")


RULE = Rule(
    id="OB-GCP-GKE-004",
    severity=Severity.high,
    title="GKE clusters enforce Kubernetes network policies (Dataplane V2)",
    protects="a compromised pod reaching every other pod and service of the cluster",
    fix="set datapath_provider='ADVANCED_DATAPATH' on the cluster (at creation)",
    source="CIS GKE Benchmark: Network Policy is enabled and set as appropriate",
    check=check,
)
