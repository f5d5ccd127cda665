"""BigQuery dataset ids are ones the API accepts: letters, digits and underscores only.

A blueprint name with a hyphen (`demand-forecast`) makes a dataset id BigQuery refuses; the
dataset, and every access entry and table in it, fails at the first `up`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._iam import DATASET_POLICY

NAMED = ("gcp:bigquery/dataset:Dataset", "gcp:bigquery/datasetAccess:DatasetAccess",
         "gcp:bigquery/table:Table", "gcp:bigquery/datasetIamMember:DatasetIamMember",
         "gcp:bigquery/datasetIamBinding:DatasetIamBinding", DATASET_POLICY)  # fmt: skip
DATASET_ID = re.compile(r"[A-Za-z0-9_]{1,1024}")
"""BigQuery API DatasetReference.datasetId: letters, digits or underscores, at most 1,024."""


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(*NAMED):
        dataset_id = node.get("datasetId")
        if not isinstance(dataset_id, str) or is_unknown(dataset_id):
            continue
        if not DATASET_ID.fullmatch(dataset_id):
            yield Flag(
                node,
                f"dataset id {dataset_id!r}: BigQuery takes letters, digits and underscores only",
            )


RULE = Rule(
    id="OB-GCP-BQ-004",
    severity=Severity.critical,
    title="BigQuery dataset ids hold only letters, digits and underscores (1 to 1,024)",
    protects="the first up failing: BigQuery refuses a dataset id with a hyphen or a dot",
    fix="derive the dataset id with hyphens replaced by underscores (demand_forecast_data)",
    source="BigQuery API reference: DatasetReference.datasetId",
    check=check,
)
