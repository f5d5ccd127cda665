"""No Cloud Storage bucket grants a role to allUsers or allAuthenticatedUsers."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

GRANTS = ("gcp:storage/bucketIAMMember:BucketIAMMember",
          "gcp:storage/bucketIAMBinding:BucketIAMBinding",
          "gcp:storage/managedFolderIamMember:ManagedFolderIamMember",
          "gcp:storage/managedFolderIamBinding:ManagedFolderIamBinding")  # fmt: skip
PUBLIC = ("allUsers", "allAuthenticatedUsers")


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        members = as_list(grant.get("member")) + as_list(grant.get("members"))
        public = [m for m in members if m in PUBLIC]
        if public:
            yield Flag(grant, f"{grant.get('role')} granted to {', '.join(public)}")


RULE = Rule(
    id="OB-GCP-GCS-006",
    severity=Severity.critical,
    title="No bucket grants a role to allUsers or allAuthenticatedUsers",
    protects="anyone on the internet (or with any Google account) reading or writing the bucket",
    fix="grant the role to the workload's service account, never allUsers or allAuthenticatedUsers",
    source="CIS GCP 5.1",
    check=check,
)
