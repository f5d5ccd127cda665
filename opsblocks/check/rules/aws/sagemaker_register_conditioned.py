"""Only the pipeline's register step creates model packages, with a fixed approval status."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, document, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
STATUS = "sagemaker:ModelApprovalStatus"


def _conditioned(statement: Mapping[str, Any]) -> bool:
    equals = (statement.get("Condition") or {}).get("StringEquals") or {}
    return isinstance(equals, Mapping) and STATUS in equals


def _names(physical: str, role: Node) -> bool:
    """`physical` is the role's name: given, or Pulumi's auto-name (`<name>-<suffix>`)."""
    suffix = physical.removeprefix(f"{role.name}-")
    return physical in (role.name, role.get("name")) or (suffix != physical and suffix.isalnum())


def _trusted_services(stack: Stack, policy: Node) -> set[str]:
    """Services that may assume the role this policy belongs to (empty when not known)."""
    roles = [r for r in stack.of_type(ROLE) if r.urn in policy.dependencies]
    named = policy.get("role")
    if isinstance(named, str) and not is_unknown(named):
        roles = [r for r in roles if _names(named, r)]
    elif len(roles) > 1:
        roles = [r for r in roles if r.name == policy.name]
    services: set[str] = set()
    for role in roles:
        for s in as_list(document(role.get("assumeRolePolicy")).get("Statement")):
            principal = s.get("Principal") if isinstance(s, Mapping) else None
            if isinstance(principal, Mapping):
                services |= {str(p) for p in as_list(principal.get("Service"))}
    return services


def check(stack: Stack) -> Iterator[Flag]:
    for policy in stack.of_type(ROLE_POLICY):
        for s in as_list(document(policy.get("policy")).get("Statement")):
            if not isinstance(s, Mapping) or s.get("Effect") != "Allow":
                continue
            patterns = [str(p).lower() for p in as_list(s.get("Action"))]
            if not any(fnmatchcase("sagemaker:createmodelpackage", p) for p in patterns):
                continue
            if not _conditioned(s):
                yield Flag(policy, f"sagemaker:CreateModelPackage without StringEquals {STATUS}")
            others = _trusted_services(stack, policy) - {"sagemaker.amazonaws.com"}
            if others:
                yield Flag(policy, f"a role for {', '.join(sorted(others))} may register models")


RULE = Rule(
    id="OB-AWS-SM-001",
    severity=Severity.critical,
    title="Only the SageMaker register step creates model packages, with a fixed approval status",
    protects="a build or job registering a model as Approved and so releasing it unreviewed",
    fix="CreateModelPackage only in the pipeline role, StringEquals sagemaker:ModelApprovalStatus",
    source="opsblocks deploy review: separation of duties between CodeBuild stages",
    check=check,
)
