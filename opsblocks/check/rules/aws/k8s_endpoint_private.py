"""EKS API endpoints are private in prod, and never open to the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._eks import CLUSTER

ANYWHERE = ("0.0.0.0/0", "::/0")


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        public = cluster.get("vpcConfig.endpointPublicAccess", True)  # EKS's default: public
        if public is False or is_unknown(public):
            continue
        cidrs = cluster.get("vpcConfig.publicAccessCidrs")
        if is_unknown(cidrs):
            continue
        if stack.prod:
            yield Flag(cluster, "the prod cluster's API endpoint is public")
        elif not cidrs or any(c in ANYWHERE for c in as_list(cidrs)):
            yield Flag(cluster, "the API endpoint is public to the whole internet")


RULE = Rule(
    id="OB-AWS-EKS-001",
    severity=Severity.high,
    title="EKS API endpoints are private in prod and limited to listed CIDRs elsewhere",
    protects="the cluster's API, and any stolen or leaked credential, reachable from anywhere",
    fix="vpc_config: endpoint_public_access=False (prod), or public_access_cidrs=[<your CIDRs>]",
    source="AWS FSBP EKS.1",
    check=check,
)
