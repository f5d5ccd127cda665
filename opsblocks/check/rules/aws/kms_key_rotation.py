"""Symmetric customer-managed keys rotate their key material."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

KEY = "aws:kms/key:Key"


def check(stack: Stack) -> Iterator[Flag]:
    for key in stack.of_type(KEY):
        spec = key.get("customerMasterKeySpec") or key.get("keySpec") or "SYMMETRIC_DEFAULT"
        if spec != "SYMMETRIC_DEFAULT":
            continue  # AWS rotates only symmetric encryption keys
        # ...whose key material KMS generated: not imported material (origin EXTERNAL) nor
        # keys in a custom key store (CloudHSM or external), which KMS cannot rotate.
        origin = key.get("origin") or "AWS_KMS"
        if origin != "AWS_KMS" or key.get("customKeyStoreId") or key.get("xksKeyId"):
            continue
        rotation = key.get("enableKeyRotation")
        if rotation is not True and not is_unknown(rotation):
            yield Flag(key, "automatic key rotation is off")


RULE = Rule(
    id="OB-AWS-KMS-001",
    severity=Severity.medium,
    title="The platform's symmetric KMS keys rotate automatically",
    protects="one key material protecting years of data: a leaked key exposes all of it",
    fix="aws.kms.Key(enable_key_rotation=True)",
    source="AWS FSBP KMS.4",
    check=check,
)
