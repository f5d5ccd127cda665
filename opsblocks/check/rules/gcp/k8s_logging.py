"""GKE sends its control plane's logs to Cloud Logging."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._gke import CLUSTER

REQUIRED = ("SYSTEM_COMPONENTS", "APISERVER")
"""System components, and the API server (who did what to the cluster)."""


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        components = cluster.get("loggingConfig.enableComponents")
        if is_unknown(components):
            continue
        if cluster.get("loggingService") == "none":
            yield Flag(cluster, "cluster logging turned off")
            continue
        missing = [c for c in REQUIRED if c not in as_list(components)]
        if missing:
            yield Flag(cluster, f"no logs of {', '.join(missing)}")


RULE = Rule(
    id="OB-GCP-GKE-003",
    severity=Severity.medium,
    title="GKE clusters log their system components and API server to Cloud Logging",
    protects="no record of who changed or read what in the cluster when it is investigated",
    fix="set logging_config enable_components with SYSTEM_COMPONENTS and APISERVER on the cluster",
    source="CIS GKE Benchmark: Cloud Logging and Monitoring are enabled",
    check=check,
)
