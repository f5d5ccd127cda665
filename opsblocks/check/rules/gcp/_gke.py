"""What the GKE rules share."""

from __future__ import annotations

CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
