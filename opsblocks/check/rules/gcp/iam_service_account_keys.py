"""No service account has a user-managed key: workloads use attached or federated identities."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

KEYS = ("gcp:serviceaccount/key:Key", "gcp:storage/hmacKey:HmacKey")


def check(stack: Stack) -> Iterator[Flag]:
    for key in stack.of_type(*KEYS):
        kind = "HMAC key" if key.type.endswith("HmacKey") else "service account key"
        yield Flag(key, f"user-managed {kind}: a long-lived secret that works from anywhere")


RULE = Rule(
    id="OB-GCP-IAM-002",
    severity=Severity.high,
    title="No service account has a user-managed key",
    protects="a copied key file acting as the account from anywhere until someone revokes it",
    fix="remove the key; attach the account to the workload or use Workload Identity Federation",
    source="CIS GCP 1.4",
    check=check,
)
