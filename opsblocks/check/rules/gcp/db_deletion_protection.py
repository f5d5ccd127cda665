"""Production Cloud SQL instances cannot be deleted by any tool until protection is lifted."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._sql import INSTANCE, known

API_PROTECTION = "settings.deletionProtectionEnabled"


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for instance in stack.of_type(INSTANCE):
        if known(instance, API_PROTECTION) and instance.get(API_PROTECTION) is not True:
            yield Flag(
                instance, "production database instance that the console or gcloud can delete"
            )


RULE = Rule(
    id="OB-GCP-SQL-004",
    severity=Severity.high,
    title="Production Cloud SQL instances have deletion protection on",
    protects="a production database deleted from the console, gcloud or the API with its backups",
    fix="set settings deletion_protection_enabled=True (and deletion_protection=True) in prod",
    source="Cloud SQL docs: prevent deletion of an instance; opsblocks data-safety default",
    check=check,
)
