"""What the GCP network rules share."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack

SUBNET = "gcp:compute/subnetwork:Subnetwork"
NOT_FOR_VMS = ("PRIVATE_SERVICE_CONNECT", "REGIONAL_MANAGED_PROXY", "GLOBAL_MANAGED_PROXY")
"""Subnet purposes that carry no VM traffic (and take no flow log or Google access setting)."""


def vm_subnets(stack: Stack) -> Iterator[Node]:
    """The subnets VMs run in."""
    return (s for s in stack.of_type(SUBNET) if s.get("purpose") not in NOT_FOR_VMS)
