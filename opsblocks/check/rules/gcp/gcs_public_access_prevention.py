"""Cloud Storage buckets enforce public access prevention."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "gcp:storage/bucket:Bucket"


def check(stack: Stack) -> Iterator[Flag]:
    for bucket in stack.of_type(BUCKET):
        prevention = bucket.get("publicAccessPrevention")
        if prevention != "enforced" and not is_unknown(prevention):
            # "inherited" (the default) leaves it to an organization policy the stack cannot see.
            shown = prevention or "inherited (not set)"
            yield Flag(bucket, f"public access prevention is {shown}, not enforced")


RULE = Rule(
    id="OB-GCP-GCS-002",
    severity=Severity.high,
    title="Cloud Storage buckets enforce public access prevention",
    protects="one allUsers grant or public ACL putting the bucket's data on the internet",
    fix='set public_access_prevention="enforced" on the gcp.storage.Bucket',
    source="CIS GCP 5.1",
    check=check,
)
