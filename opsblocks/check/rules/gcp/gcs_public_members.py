"""No Cloud Storage bucket grants a role to allUsers or allAuthenticatedUsers."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._iam import BUCKET_POLICIES, public_grants

GRANTS = ("gcp:storage/bucketIAMMember:BucketIAMMember",
          "gcp:storage/bucketIAMBinding:BucketIAMBinding",
          "gcp:storage/managedFolderIamMember:ManagedFolderIamMember",
          "gcp:storage/managedFolderIamBinding:ManagedFolderIamBinding",
          *BUCKET_POLICIES)  # fmt: skip


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        for role, public in public_grants(grant):
            yield Flag(grant, f"{role} granted to {', '.join(public)}")


RULE = Rule(
    id="OB-GCP-GCS-006",
    severity=Severity.critical,
    title="No bucket grants a role to allUsers or allAuthenticatedUsers",
    protects="anyone on the internet (or with any Google account) reading or writing the bucket",
    fix="grant the role to the workload's service account, never allUsers or allAuthenticatedUsers",
    source="CIS GCP 5.1",
    check=check,
)
