"""kms:CreateGrant only for grants to AWS resources."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._iam import grants, held

GRANT_FOR_AWS = "kms:GrantIsForAWSResource"


def _for_aws_resources(statement: Mapping[str, Any]) -> bool:
    """`Bool`, as KMS documents the key: a CreateGrant the principal sends itself carries no
    kms:GrantIsForAWSResource, and `BoolIfExists` allows a request without the key. The key's
    values may be a list (["true"]); they are alternatives, so each must be true."""
    return any(
        operator == "Bool"
        and isinstance(values, Mapping)
        and bool(wanted := as_list(values.get(GRANT_FOR_AWS)))
        and all(str(value).lower() == "true" for value in wanted)
        for operator, values in (statement.get("Condition") or {}).items()
    )


def check(stack: Stack) -> Iterator[Flag]:
    for holding in held(stack):
        if grants(holding.statement, "kms:CreateGrant") and not (
            _for_aws_resources(holding.statement)
        ):
            yield Flag(holding.node, "kms:CreateGrant without kms:GrantIsForAWSResource true")


RULE = Rule(
    id="OB-AWS-IAM-003",
    severity=Severity.high,
    title="kms:CreateGrant is allowed only with kms:GrantIsForAWSResource true",
    protects="a role granting itself or any principal lasting use of the platform key",
    fix="CreateGrant in a statement of its own with Condition Bool (not BoolIfExists) "
    "kms:GrantIsForAWSResource true",
    source="MCSB PA-7",
    check=check,
)
