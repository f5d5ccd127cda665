"""Every bucket's policy denies requests that do not use TLS."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Stack, as_list, document, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BUCKET = "aws:s3/bucket:Bucket"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def _denies_plain_http(statement: Mapping[str, Any]) -> bool:
    if statement.get("Effect") != "Deny":
        return False
    principal = statement.get("Principal")
    if principal != "*" and not (isinstance(principal, Mapping) and principal.get("AWS") == "*"):
        return False
    if not {"s3:*", "*"} & set(as_list(statement.get("Action"))):
        return False
    secure = (statement.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport")
    return str(secure).lower() == "false"


def check(stack: Stack) -> Iterator[Flag]:
    for bucket in stack.of_type(BUCKET):
        policies = list(stack.dependents(bucket, POLICY))
        if not policies:
            yield Flag(bucket, "no bucket policy: plain HTTP requests are accepted")
            continue
        texts = [p.get("policy") for p in policies]
        if any(is_unknown(t) for t in texts):
            continue  # the policy embeds ARNs known only after `up`
        statements = [s for t in texts for s in as_list(document(t).get("Statement"))]
        if not any(isinstance(s, Mapping) and _denies_plain_http(s) for s in statements):
            yield Flag(bucket, "bucket policy does not deny aws:SecureTransport false")


RULE = Rule(
    id="OB-AWS-S3-003",
    severity=Severity.medium,
    title="Bucket policies deny every request made without TLS",
    protects="data and credentials sent in clear text to S3, readable or alterable on the way",
    fix="BucketPolicy: Deny s3:* to Principal * when Bool aws:SecureTransport is false",
    source="AWS FSBP S3.5",
    check=check,
)
