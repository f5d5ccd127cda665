"""No BigQuery dataset or table is open to allUsers or allAuthenticatedUsers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._iam import DATASET_POLICY, PUBLIC, public_grants

DATASET = "gcp:bigquery/dataset:Dataset"
ACCESS = "gcp:bigquery/datasetAccess:DatasetAccess"
IAM = ("gcp:bigquery/datasetIamMember:DatasetIamMember",
       "gcp:bigquery/datasetIamBinding:DatasetIamBinding", DATASET_POLICY)  # fmt: skip
TABLE_IAM = ("gcp:bigquery/iamMember:IamMember", "gcp:bigquery/iamBinding:IamBinding",
             "gcp:bigquery/iamPolicy:IamPolicy")  # fmt: skip
"""Grants on one table (`gcp.bigquery.IamMember`/`IamBinding`/`IamPolicy`, with a table_id)."""


def _public(entry: Mapping[str, Any]) -> list[str]:
    """The public principals of one access entry (`specialGroup` or `iamMember`)."""
    named = [entry.get("specialGroup"), entry.get("iamMember")]
    return [name for name in named if name in PUBLIC]


def check(stack: Stack) -> Iterator[Flag]:
    for dataset in stack.of_type(DATASET):
        entries = dataset.get("accesses")
        public = [p for e in as_list(entries) if isinstance(e, Mapping) for p in _public(e)]
        if public:
            yield Flag(dataset, f"dataset access entries open it to {', '.join(public)}")
    for access in stack.of_type(ACCESS):
        public = _public(access.inputs)
        if public:
            yield Flag(access, f"dataset access entry for {', '.join(public)}")
    for grant in stack.of_type(*IAM):
        for role, public in public_grants(grant):
            yield Flag(grant, f"{role} on the dataset granted to {', '.join(public)}")
    for grant in stack.of_type(*TABLE_IAM):
        for role, public in public_grants(grant):
            yield Flag(grant, f"{role} on the table granted to {', '.join(public)}")


RULE = Rule(
    id="OB-GCP-BQ-002",
    severity=Severity.critical,
    title="No BigQuery dataset or table grants access to allUsers or allAuthenticatedUsers",
    protects="anyone with a Google account (or anyone at all) querying the dataset's tables",
    fix="give dataset or table access to the reader's service account, never a public group",
    source="CIS GCP 7.1",
    check=check,
)
