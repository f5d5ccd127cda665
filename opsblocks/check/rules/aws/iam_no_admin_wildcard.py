"""No identity policy allows every action on every resource."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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
ATTACHMENTS = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
)
# AWS managed policies that allow "*" on "*" (or all but IAM).
ADMIN_POLICIES = (":policy/AdministratorAccess", ":policy/PowerUserAccess")


def _identity_statements(stack: Stack) -> Iterator[tuple[Node, Mapping[str, Any]]]:
    """Allow statements of every identity policy (inline role policies included)."""
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


def check(stack: Stack) -> Iterator[Flag]:
    for attachment in stack.of_type(*ATTACHMENTS):
        arn = str(attachment.get("policyArn") or "")
        if arn.endswith(ADMIN_POLICIES):
            yield Flag(attachment, f"attaches {arn.rsplit('/', 1)[-1]}: full administrator")
    for node, statement in _identity_statements(stack):
        actions = {str(a) for a in as_list(statement.get("Action"))}
        if {"*", "*:*"} & actions and "*" in as_list(statement.get("Resource")):
            yield Flag(node, "allows Action * on Resource *: full administrator")


RULE = Rule(
    id="OB-AWS-IAM-001",
    severity=Severity.critical,
    title="No identity policy allows Action * on Resource *",
    protects="one leaked build or job credential owning the whole account",
    fix="list the actions the role needs on the ARNs of this blueprint's resources",
    source="AWS FSBP IAM.1",
    check=check,
)
