"""Every bucket has a public access block with all four settings on."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "aws:s3/bucket:Bucket"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SETTINGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def check(stack: Stack) -> Iterator[Flag]:
    for bucket in stack.of_type(BUCKET):
        blocks = list(stack.dependents(bucket, BLOCK))
        if not blocks:
            yield Flag(bucket, "no public access block")
            continue
        for block in blocks:
            # Unset is false for the provider; "(known after up)" cannot be judged.
            off = [s for s in SETTINGS if block.get(s) in (None, False)]
            if off:
                yield Flag(bucket, f"public access block leaves {', '.join(off)} off")


RULE = Rule(
    id="OB-AWS-S3-002",
    severity=Severity.critical,
    title="Every bucket blocks public ACLs and public policies (all four settings)",
    protects="a public ACL or bucket policy exposing training data, models or captures",
    fix="BucketPublicAccessBlock: block_public_acls, block_public_policy, ignore_public_acls, "
    "restrict_public_buckets",
    source="AWS FSBP S3.8",
    check=check,
)
