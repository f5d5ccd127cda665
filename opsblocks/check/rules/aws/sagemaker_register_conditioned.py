"""Only the pipeline's register step creates model packages, with a fixed approval status;
no service role approves them (UpdateModelPackage): a person does. A policy that denies both
actions whenever they set the status Approved holds them safely (what MLflow's automatic model
registration needs: it creates and updates packages, and must never approve one)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, document
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._iam import (
    SAGEMAKER_POLICIES,
    grants,
    held,
    managed,
    trusted_services,
)

STATUS = "sagemaker:ModelApprovalStatus"
SAGEMAKER = "sagemaker.amazonaws.com"


def _conditioned(statement: Mapping[str, Any]) -> bool:
    equals = (statement.get("Condition") or {}).get("StringEquals") or {}
    return isinstance(equals, Mapping) and STATUS in equals


def _approval_denied(node: Node, action: str) -> bool:
    """The same policy denies `action` whenever the request sets the status Approved: the
    role may register or update packages, never approve one."""
    for statement in as_list(document(node.get("policy")).get("Statement")):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Deny":
            continue
        # Only this condition: any other would narrow when the deny applies.
        condition = statement.get("Condition")
        if condition not in ({"StringEquals": {STATUS: "Approved"}},
                             {"StringEquals": {STATUS: ["Approved"]}}):  # fmt: skip
            continue
        if "Action" in statement and grants(statement, action):
            return True
    return False


def check(stack: Stack) -> Iterator[Flag]:
    for holding in held(stack):
        services = trusted_services(holding.role) if holding.role is not None else set()
        if grants(holding.statement, "sagemaker:CreateModelPackage"):
            if not _conditioned(holding.statement) and not _approval_denied(
                holding.node, "sagemaker:CreateModelPackage"
            ):
                yield Flag(
                    holding.node, f"sagemaker:CreateModelPackage without StringEquals {STATUS}"
                )
            others = services - {SAGEMAKER}
            if others:
                yield Flag(
                    holding.node, f"a role for {', '.join(sorted(others))} may register models"
                )
        # Approving is a person's decision (the release waits for it): no service role holds
        # UpdateModelPackage, which sets a package's approval status.
        if (
            services
            and grants(holding.statement, "sagemaker:UpdateModelPackage")
            and not _approval_denied(holding.node, "sagemaker:UpdateModelPackage")
        ):
            yield Flag(holding.node, f"a role for {', '.join(sorted(services))} may approve models")
    said = set()  # a PolicyAttachment may name several such roles: one finding each
    for node, role, name in managed(stack, SAGEMAKER_POLICIES):
        services = trusted_services(role) if role is not None else set()
        message = (f"a role for {', '.join(sorted(services))} holds {name}: "
                   "it may register and approve models")  # fmt: skip
        if services and (node.urn, message) not in said:
            said.add((node.urn, message))
            yield Flag(node, message)


RULE = Rule(
    id="OB-AWS-SM-001",
    severity=Severity.critical,
    title="Only the SageMaker register step creates model packages (fixed status); no service "
    "role approves them",
    protects="a build or job registering or approving a model and so releasing it unreviewed",
    fix="CreateModelPackage only for the pipeline role, with StringEquals "
    "sagemaker:ModelApprovalStatus; no UpdateModelPackage",
    source="opsblocks deploy review: separation of duties between CodeBuild stages",
    check=check,
)
