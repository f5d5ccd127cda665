"""AKS API servers are private in prod, and elsewhere public only for listed ranges."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

CLUSTER = "azure-native:containerservice:ManagedCluster"
ANYWHERE = ("0.0.0.0/0", "0.0.0.0", "*")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(CLUSTER):
        private = node.get("apiServerAccessProfile.enablePrivateCluster")
        if is_unknown(private) or private is True:
            continue
        if stack.prod:
            yield Flag(node, "prod AKS API server is public (enablePrivateCluster is not true)")
            continue
        ranges = as_list(node.get("apiServerAccessProfile.authorizedIPRanges"))
        if not ranges:
            yield Flag(node, "AKS API server is public to every address (no authorized ranges)")
        elif any(r in ANYWHERE for r in ranges):
            yield Flag(node, "AKS API server authorizes 0.0.0.0/0")


RULE = Rule(
    id="OB-AZURE-AKS-001",
    severity=Severity.high,
    title="AKS API servers are private in prod; elsewhere public only for listed address ranges",
    protects="the cluster's API server reachable, and its sign-in attackable, from the internet",
    fix="set enable_private_cluster in prod; elsewhere authorized_ip_ranges without 0.0.0.0/0",
    source="Azure Policy: Authorized IP ranges should be defined on Kubernetes Services; MCSB NS-2",
    check=check,
)
