"""VPC networks are custom mode: no auto-created subnets in every region."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

NETWORK = "gcp:compute/network:Network"


def check(stack: Stack) -> Iterator[Flag]:
    for network in stack.of_type(NETWORK):
        auto = network.get("autoCreateSubnetworks", True)  # the provider's default is auto mode
        if auto is not False and not is_unknown(auto):
            yield Flag(
                network, "auto-mode network: a subnet in every region, like the default network"
            )


RULE = Rule(
    id="OB-GCP-NET-001",
    severity=Severity.medium,
    title="The platform's VPC network is custom mode, not an auto-mode (default-like) network",
    protects="subnets in every region with predictable ranges the platform never meant to open",
    fix="set auto_create_subnetworks=False on the gcp.compute.Network; create the subnets needed",
    source="related to CIS GCP 3.1 (no default network)",
    check=check,
)
