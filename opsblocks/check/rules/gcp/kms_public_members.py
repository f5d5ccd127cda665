"""No Cloud KMS key or key ring grants a role to allUsers or allAuthenticatedUsers."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

GRANTS = ("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
          "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding",
          "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
          "gcp:kms/keyRingIAMBinding:KeyRingIAMBinding")  # fmt: skip
PUBLIC = ("allUsers", "allAuthenticatedUsers")


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        members = as_list(grant.get("member")) + as_list(grant.get("members"))
        public = [m for m in members if m in PUBLIC]
        if public:
            yield Flag(grant, f"{grant.get('role')} on the key granted to {', '.join(public)}")


RULE = Rule(
    id="OB-GCP-KMS-002",
    severity=Severity.critical,
    title="No KMS key or key ring grants a role to allUsers or allAuthenticatedUsers",
    protects="anyone decrypting with, or administering, the key that protects the platform's data",
    fix="grant key roles to named service agents and service accounts only",
    source="CIS GCP 1.9",
    check=check,
)
