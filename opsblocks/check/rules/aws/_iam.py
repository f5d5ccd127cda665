"""What IAM identities hold, however it is given to them: the statements of inline role
policies (`RolePolicy` and `Role.inlinePolicies`), of user, group and customer-managed
policies (an `aws:iam/policy` attached with `RolePolicyAttachment` counts for the role), and
the AWS managed policies attached by ARN (`Role.managedPolicyArns`, attachments)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, document, is_unknown

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
OTHER_POLICIES = ("aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy")
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ATTACHMENTS = (ROLE_ATTACHMENT, "aws:iam/policyAttachment:PolicyAttachment")
# AWS managed policies that allow "*" on "*" (or all but IAM), and every SageMaker action:
# training, registering and approving models, changing what serves.
ADMIN_POLICIES = ("AdministratorAccess", "PowerUserAccess")
SAGEMAKER_POLICIES = (*ADMIN_POLICIES, "AmazonSageMakerFullAccess")


@dataclass(frozen=True)
class Held:
    """One Allow statement an identity holds; `node` is the resource to flag for it (the
    policy, or the role with an inline policy), `role` the role that holds it when known."""

    node: Node
    role: Node | None
    statement: Mapping[str, Any]


def allows(text: Any) -> Iterator[Mapping[str, Any]]:
    for statement in as_list(document(text).get("Statement")):
        if isinstance(statement, Mapping) and statement.get("Effect") == "Allow":
            yield statement


def grants(statement: Mapping[str, Any], action: str) -> bool:
    """Whether the statement's Action (patterns, any case) covers `action`."""
    return any(
        fnmatchcase(action.lower(), str(p).lower()) for p in as_list(statement.get("Action"))
    )


def _names(physical: str, role: Node) -> bool:
    """`physical` is the role's name: given, or Pulumi's auto-name (`<name>-<suffix>`)."""
    suffix = physical.removeprefix(f"{role.name}-")
    return physical in (role.name, role.get("name")) or (suffix != physical and suffix.isalnum())


def role_of(stack: Stack, node: Node) -> Node | None:
    """The role a role policy or attachment is for: the one it names, else the only role it
    depends on (or the one it is named after)."""
    roles = [r for r in stack.of_type(ROLE) if r.urn in node.dependencies]
    named = node.get("role")
    if isinstance(named, str) and not is_unknown(named):
        roles = [r for r in stack.of_type(ROLE) if _names(named, r)]
        return roles[0] if len(roles) == 1 else None
    if len(roles) > 1:
        roles = [r for r in roles if r.name == node.name]
    return roles[0] if len(roles) == 1 else None


def _attached(stack: Stack, policy: Node) -> Iterator[Node]:
    """Attachments of a customer-managed policy: by its ARN when known, else by dependency."""
    arn = policy.get("arn")
    for attachment in stack.of_type(*ATTACHMENTS):
        named = attachment.get("policyArn")
        known = isinstance(arn, str) and not is_unknown(arn) and named == arn
        if known or policy.urn in attachment.dependencies:
            yield attachment


def held(stack: Stack) -> Iterator[Held]:
    """Every Allow statement of every identity policy in the stack."""
    for policy in stack.of_type(ROLE_POLICY):
        role = role_of(stack, policy)
        for statement in allows(policy.get("policy")):
            yield Held(policy, role, statement)
    for role in stack.of_type(ROLE):
        for inline in as_list(role.get("inlinePolicies")):
            if isinstance(inline, Mapping):
                for statement in allows(inline.get("policy")):
                    yield Held(role, role, statement)
    for policy in stack.of_type(POLICY):
        statements = list(allows(policy.get("policy")))
        roles = [
            role_of(stack, a) for a in _attached(stack, policy) if a.type == ROLE_ATTACHMENT
        ] or [None]
        yield from (Held(policy, role, s) for role in roles for s in statements)
    for policy in stack.of_type(*OTHER_POLICIES):
        for statement in allows(policy.get("policy")):
            yield Held(policy, None, statement)


def managed(stack: Stack, names: tuple[str, ...]) -> Iterator[tuple[Node, Node | None, str]]:
    """(node to flag, role when known, policy name) for each AWS managed policy in `names`
    attached by ARN: in a role's managedPolicyArns or by an attachment."""
    suffixes = tuple(f":policy/{name}" for name in names)
    for role in stack.of_type(ROLE):
        for arn in as_list(role.get("managedPolicyArns")):
            if str(arn).endswith(suffixes):
                yield role, role, str(arn).rsplit("/", 1)[-1]
    for attachment in stack.of_type(*ATTACHMENTS):
        arn = str(attachment.get("policyArn") or "")
        if arn.endswith(suffixes):
            holder = role_of(stack, attachment) if attachment.type == ROLE_ATTACHMENT else None
            yield attachment, holder, arn.rsplit("/", 1)[-1]


def trusted_services(role: Node) -> set[str]:
    """AWS services that may assume the role (empty when not known)."""
    services: set[str] = set()
    for statement in allows(role.get("assumeRolePolicy")):
        principal = statement.get("Principal")
        if isinstance(principal, Mapping):
            services |= {str(p) for p in as_list(principal.get("Service"))}
    return services
