"""Cloud SQL instances encrypt their data and backups with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._sql import INSTANCE, known


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        if known(instance, "encryptionKeyName") and not instance.get("encryptionKeyName"):
            yield Flag(instance, "database instance without a KMS key: Google-managed encryption")


RULE = Rule(
    id="OB-GCP-SQL-002",
    severity=Severity.high,
    title="Cloud SQL instances encrypt with the customer-managed key",
    protects="database data and backups the platform cannot revoke access to by disabling its key",
    fix="set encryption_key_name=<platform key id> on the DatabaseInstance (same region)",
    source="CIS GCP 6.x (CMEK for Cloud SQL); Cloud SQL docs: customer-managed encryption keys",
    check=check,
)
