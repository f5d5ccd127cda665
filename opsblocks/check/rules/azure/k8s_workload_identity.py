"""AKS clusters run workload identity: pods sign in as managed identities, with no keys."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

CLUSTER = "azure-native:containerservice:ManagedCluster"


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(CLUSTER):
        issuer = node.get("oidcIssuerProfile.enabled")
        webhook = node.get("securityProfile.workloadIdentity.enabled")
        if is_unknown(issuer) or is_unknown(webhook):
            continue
        missing = [name for name, on in (("OIDC issuer", issuer), ("workload identity", webhook))
                   if on is not True]  # fmt: skip
        if missing:
            yield Flag(node, f"AKS cluster without {' and '.join(missing)}")


RULE = Rule(
    id="OB-AZURE-AKS-005",
    severity=Severity.high,
    title="AKS clusters have the OIDC issuer and workload identity on",
    protects="tools reaching cloud services with static keys stored as Kubernetes secrets",
    fix="set oidc_issuer_profile.enabled and security_profile.workload_identity.enabled",
    source="AKS security baseline (MCSB IM-3: managed identities for applications)",
    check=check,
)
