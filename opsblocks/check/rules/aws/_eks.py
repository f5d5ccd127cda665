"""What the EKS rules share: a cluster's managed add-ons."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack

CLUSTER = "aws:eks/cluster:Cluster"
ADDON = "aws:eks/addon:Addon"


def addons(stack: Stack, cluster: Node, name: str) -> Iterator[Node]:
    """The cluster's add-ons called `name` (an add-on depends on the cluster it names)."""
    return (a for a in stack.dependents(cluster, ADDON) if a.get("addonName") == name)
