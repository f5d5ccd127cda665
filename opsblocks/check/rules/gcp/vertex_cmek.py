"""Vertex AI resources that keep data encrypt it with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._cmek import VERTEX_KEEPS_DATA, VERTEX_KEY


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(*VERTEX_KEEPS_DATA):
        spec = node.get("encryptionSpec")
        if is_unknown(spec):
            continue
        if not node.get(VERTEX_KEY):
            kind = node.type.rsplit(":", 1)[-1]
            yield Flag(node, f"{kind} without encryption_spec.kms_key_name: Google's keys")


RULE = Rule(
    id="OB-GCP-VERTEX-001",
    severity=Severity.high,
    title="Vertex AI endpoints, datasets, metadata stores, TensorBoards use the platform key",
    protects="training data, lineage and predictions held under keys the platform cannot revoke",
    fix="set encryption_spec=...(kms_key_name=<platform key id>) on the resource (at creation)",
    source="Organization Policy constraint gcp.restrictNonCmekServices",
    check=check,
)
