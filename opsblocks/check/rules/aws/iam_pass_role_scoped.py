"""iam:PassRole names the platform's roles and the service they are passed to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, document, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

POLICY_TYPES = (
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
ROLE = "aws:iam/role:Role"


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


def _allows(statement: Mapping[str, Any], action: str) -> bool:
    return any(
        fnmatchcase(action.lower(), str(p).lower()) for p in as_list(statement.get("Action"))
    )


def _conditioned(statement: Mapping[str, Any]) -> bool:
    conditions = statement.get("Condition") or {}
    return any("iam:PassedToService" in c for c in conditions.values() if isinstance(c, Mapping))


def check(stack: Stack) -> Iterator[Flag]:
    for node, statement in _identity_statements(stack):
        if not _allows(statement, "iam:PassRole"):
            continue
        resources = [str(r) for r in as_list(statement.get("Resource")) if not is_unknown(r)]
        broad = [r for r in resources if "*" in r.rsplit(":", 1)[-1] or r == "*"]
        if broad:
            yield Flag(node, f"iam:PassRole on {', '.join(broad)}: any role can be handed on")
        elif not _conditioned(statement):
            yield Flag(node, "iam:PassRole without an iam:PassedToService condition")


RULE = Rule(
    id="OB-AWS-IAM-002",
    severity=Severity.high,
    title="iam:PassRole only on named platform roles, conditioned on iam:PassedToService",
    protects="a build or job passing an admin role to a service it controls: privilege escalation",
    fix="PassRole statement: Resource the role ARNs, Condition StringEquals iam:PassedToService",
    source="MCSB PA-7",
    check=check,
)
