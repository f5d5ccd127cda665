"""No Cloud KMS key or key ring grants a role to allUsers or allAuthenticatedUsers."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._iam import KEY_POLICIES, public_grants

GRANTS = ("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
          "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding",
          "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
          "gcp:kms/keyRingIAMBinding:KeyRingIAMBinding",
          *KEY_POLICIES)  # fmt: skip


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        for role, public in public_grants(grant):
            yield Flag(grant, f"{role} on the key granted to {', '.join(public)}")


RULE = Rule(
    id="OB-GCP-KMS-002",
    severity=Severity.critical,
    title="No KMS key or key ring grants a role to allUsers or allAuthenticatedUsers",
    protects="anyone decrypting with, or administering, the key that protects the platform's data",
    fix="grant key roles to named service agents and service accounts only",
    source="CIS GCP 1.9",
    check=check,
)
