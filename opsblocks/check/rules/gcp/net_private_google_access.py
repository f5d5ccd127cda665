"""Subnets reach Google APIs privately, so their VMs need no external address."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._network import vm_subnets


def check(stack: Stack) -> Iterator[Flag]:
    for subnet in vm_subnets(stack):
        private = subnet.get("privateIpGoogleAccess")
        if private is not True and not is_unknown(private):
            yield Flag(
                subnet, "subnet without Private Google Access: private VMs cannot reach Google APIs"
            )


RULE = Rule(
    id="OB-GCP-NET-003",
    severity=Severity.medium,
    title="Subnets enable Private Google Access",
    protects="private notebooks failing to reach Storage and Vertex AI, or getting public IPs to",
    fix="set private_ip_google_access=True on the gcp.compute.Subnetwork",
    source="Google Cloud VPC docs: Private Google Access (vpc/docs/private-google-access)",
    check=check,
)
