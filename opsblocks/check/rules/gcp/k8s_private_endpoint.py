"""GKE API servers are private in prod, reached there from listed networks only (authorized
networks enforced on the private endpoint), and elsewhere open only to listed networks."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._gke import CLUSTER


def _problem(cluster: Node, prod: bool) -> str | None:
    if cluster.get("privateClusterConfig.enablePrivateEndpoint") is True:
        enforced = cluster.get("masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled")
        if prod and enforced is not True:
            return "prod private endpoint open to the whole VPC and its peers (not enforced)"
        return None
    if prod:
        return "prod API server with a public endpoint"
    authorized = cluster.get("masterAuthorizedNetworksConfig")
    if not isinstance(authorized, dict):
        return "public API server open to every address (no authorized networks)"
    if authorized.get("gcpPublicCidrsAccessEnabled") is True:
        return "public API server open to every Google Cloud public IP"
    for block in as_list(authorized.get("cidrBlocks")):
        cidr = block.get("cidrBlock") if isinstance(block, dict) else None
        known = isinstance(cidr, str) and not is_unknown(cidr)
        if known and ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0:
            return f"public API server open to {cidr}"
    return None


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        problem = _problem(cluster, stack.prod)
        if problem:
            yield Flag(cluster, problem)


RULE = Rule(
    id="OB-GCP-GKE-001",
    severity=Severity.critical,
    title="GKE API servers are private in prod, elsewhere open to listed CIDRs only (no 0.0.0.0/0)",
    protects="the cluster's API server probed and brute-forced from the whole internet",
    fix="enable_private_endpoint=True (prod: also private_endpoint_enforcement_enabled=True), "
    "else list CIDRs",
    source="CIS GKE Benchmark v2.0.0 5.6.4 (private control plane endpoints), authorized networks",
    check=check,
)
