"""What the Cloud SQL rules share: the instance type, and how to skip values known after up."""

from __future__ import annotations

from opsblocks.check.graph import Node, is_unknown

INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"


def known(node: Node, *paths: str) -> bool:
    """Whether none of `paths` (nor a block above them) is known only after up."""
    for path in paths:
        parts = path.split(".")
        if any(is_unknown(node.get(".".join(parts[:i]))) for i in range(1, len(parts) + 1)):
            return False
    return True
