"""kms:CreateGrant only for grants to AWS resources."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, document
from opsblocks.check.rule import Flag, Rule, Severity

POLICY_TYPES = (
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
ROLE = "aws:iam/role:Role"
GRANT_FOR_AWS = "kms:GrantIsForAWSResource"


def _identity_statements(stack: Stack) -> Iterator[tuple[Node, Mapping[str, Any]]]:
    for node in stack.of_type(*POLICY_TYPES, ROLE):
        texts = (
            [node.get("policy")]
            if node.type != ROLE
            else [
                p.get("policy")
                for p in as_list(node.get("inlinePolicies"))
                if isinstance(p, Mapping)
            ]
        )
        for text in texts:
            for s in as_list(document(text).get("Statement")):
                if isinstance(s, Mapping) and s.get("Effect") == "Allow":
                    yield node, s


def _for_aws_resources(statement: Mapping[str, Any]) -> bool:
    """`Bool`, as KMS documents the key: a CreateGrant the principal sends itself carries no
    kms:GrantIsForAWSResource, and `BoolIfExists` allows a request without the key."""
    return any(
        operator == "Bool"
        and isinstance(values, Mapping)
        and str(values.get(GRANT_FOR_AWS)).lower() == "true"
        for operator, values in (statement.get("Condition") or {}).items()
    )


def check(stack: Stack) -> Iterator[Flag]:
    for node, statement in _identity_statements(stack):
        actions = [str(a) for a in as_list(statement.get("Action"))]
        if any(fnmatchcase("kms:creategrant", a.lower()) for a in actions) and not (
            _for_aws_resources(statement)
        ):
            yield Flag(node, "kms:CreateGrant without kms:GrantIsForAWSResource true")


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
