"""Symmetric Cloud KMS keys rotate at least every 90 days."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

KEY = "gcp:kms/cryptoKey:CryptoKey"
NINETY_DAYS = 90 * 24 * 3600
DURATION = re.compile(r"^(\d+(?:\.\d+)?)s$")


def check(stack: Stack) -> Iterator[Flag]:
    for key in stack.of_type(KEY):
        # Only symmetric keys rotate automatically (asymmetric keys take no rotation period).
        if key.get("purpose", "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
            continue
        period = key.get("rotationPeriod")
        if is_unknown(period):
            continue
        if not period:
            yield Flag(key, "key without a rotation period: it never rotates")
            continue
        match = DURATION.match(str(period))
        if match and float(match.group(1)) > NINETY_DAYS:
            days = float(match.group(1)) / 86400
            yield Flag(key, f"key rotates every {days:g} days, more than 90")


RULE = Rule(
    id="OB-GCP-KMS-001",
    severity=Severity.medium,
    title="Symmetric KMS keys rotate at least every 90 days",
    protects="one key version protecting years of data, so a leaked version exposes all of it",
    fix='set rotation_period="7776000s" (90 days) or less on the gcp.kms.CryptoKey',
    source="CIS GCP 1.10",
    check=check,
)
