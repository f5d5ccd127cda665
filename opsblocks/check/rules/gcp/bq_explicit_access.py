"""BigQuery datasets name their access explicitly and keep their readers' entries.

A dataset created without `accesses` gets BigQuery's defaults, READER for `projectReaders`
among them: every viewer of the project reads the data. A dataset whose readers are
`DatasetAccess` entries must ignore changes to `accesses`, or the next `pulumi up` sets the
list back to the dataset's own and removes the readers (the provider documents the pairing).
"""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

DATASET = "gcp:bigquery/dataset:Dataset"
ACCESS = "gcp:bigquery/datasetAccess:DatasetAccess"


def check(stack: Stack) -> Iterator[Flag]:
    for dataset in stack.of_type(DATASET):
        accesses = dataset.get("accesses")
        if is_unknown(accesses):
            continue
        if not accesses:
            yield Flag(
                dataset,
                "dataset without explicit accesses: BigQuery's defaults apply, "
                "READER for every project viewer",
            )
            continue
        readers = [a.name for a in stack.dependents(dataset, ACCESS)]
        if readers and "accesses" not in dataset.ignore_changes:
            yield Flag(
                dataset,
                f"the next up removes the DatasetAccess entries "
                f"{', '.join(sorted(readers))}: accesses is not ignore_changes",
            )


RULE = Rule(
    id="OB-GCP-BQ-003",
    severity=Severity.high,
    title="BigQuery datasets set their access explicitly, and keep the readers' entries",
    protects="project viewers reading the data, or the next up revoking the pipelines' read access",
    fix='set accesses=[owners]; ignore_changes=["accesses"] where DatasetAccess adds readers',
    source="opsblocks deploy review: datasets with explicit access",
    check=check,
)
