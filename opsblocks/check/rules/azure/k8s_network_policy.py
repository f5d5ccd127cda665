"""AKS clusters enforce Kubernetes network policies."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

CLUSTER = "azure-native:containerservice:ManagedCluster"
ENGINES = ("azure", "cilium", "calico")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(CLUSTER):
        policy = node.get("networkProfile.networkPolicy")
        if is_unknown(policy) or policy in ENGINES:
            continue
        yield Flag(node, f"AKS cluster enforces no network policy ({policy or 'unset'})")


RULE = Rule(
    id="OB-AZURE-AKS-004",
    severity=Severity.medium,
    title="AKS clusters enforce network policies (Azure, Cilium or Calico)",
    protects="every pod reaching every other: one compromised tool reaches all the others",
    fix='set network_profile.network_policy="cilium" (with the cilium dataplane) or "azure"',
    source="Azure Policy: Kubernetes clusters should use network policies; MCSB NS-1",
    check=check,
)
