"""BigQuery datasets encrypt new tables with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

DATASET = "gcp:bigquery/dataset:Dataset"


def check(stack: Stack) -> Iterator[Flag]:
    for dataset in stack.of_type(DATASET):
        config = dataset.get("defaultEncryptionConfiguration")
        key = dataset.get("defaultEncryptionConfiguration.kmsKeyName")
        if is_unknown(config) or is_unknown(key):
            continue
        if not key:
            yield Flag(dataset, "dataset without a default KMS key: its tables use Google's keys")


RULE = Rule(
    id="OB-GCP-BQ-001",
    severity=Severity.high,
    title="BigQuery datasets set the customer-managed key as their default encryption",
    protects="tables the platform cannot revoke or audit access to by disabling its own key",
    fix="set default_encryption_configuration=...(kms_key_name=<platform key id>) on the Dataset",
    source="CIS GCP 7.3",
    check=check,
)
