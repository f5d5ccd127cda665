"""An MLflow tracking server's role reaches S3 only in its artifact store's bucket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._iam import ROLE, grants, held, managed

SERVER = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"
S3_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket")


def _bucket(server: Node) -> str | None:
    """The artifact store's bucket, when the preview knows it."""
    uri = server.get("artifactStoreUri")
    if not isinstance(uri, str) or is_unknown(uri) or not uri.startswith("s3://"):
        return None
    return uri.removeprefix("s3://").split("/", 1)[0]


def _outside(resource: Any, bucket: str | None) -> bool:
    """The resource reaches other buckets: a wildcard in its bucket part, or another bucket
    (compared only for an S3 ARN, `arn:<partition>:s3:::<bucket>[/<key>]`)."""
    if is_unknown(resource):
        return False
    text = str(resource)
    if ":::" not in text:  # "*", or an ARN known only after up: its resource before any "/"
        return "*" in text.split("/", 1)[0]
    named = text.split(":::", 1)[1].split("/", 1)[0]
    return "*" in named or (bucket is not None and named != bucket)


def check(stack: Stack) -> Iterator[Flag]:
    for server in stack.of_type(SERVER):
        bucket = _bucket(server)
        roles = {r.urn for r in stack.of_type(ROLE) if r.urn in server.dependencies}
        for holding in held(stack):
            if holding.role is None or holding.role.urn not in roles:
                continue
            if not any(grants(holding.statement, action) for action in S3_ACTIONS):
                continue
            wide = [str(r) for r in as_list(holding.statement.get("Resource"))
                    if _outside(r, bucket)]  # fmt: skip
            if wide:
                yield Flag(holding.node, f"S3 on {', '.join(wide)}: beyond {server.name}'s "
                           "artifact bucket")  # fmt: skip
        for node, role, name in managed(stack, ("AmazonS3FullAccess",)):
            if role is not None and role.urn in roles:
                yield Flag(node, f"{name}: every bucket of the account")


RULE = Rule(
    id="OB-AWS-SM-008",
    severity=Severity.high,
    title="An MLflow tracking server's role reaches S3 only in its artifact store's bucket",
    protects="the server (or its UI's users) reading and overwriting every bucket of the account",
    fix="server role: S3 actions on arn:aws:s3:::<artifact bucket>[/<prefix>/*] only",
    source="opsblocks review: the SageMaker MLflow guide suggests AmazonS3FullAccess",
    check=check,
)
