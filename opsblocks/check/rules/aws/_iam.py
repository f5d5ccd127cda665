"""What IAM identities hold, however it is given to them: the statements of inline role
policies (`RolePolicy` and `Role.inlinePolicies`), of user, group and customer-managed
policies (an `aws:iam/policy` attached with `RolePolicyAttachment`, or with a
`PolicyAttachment` naming the role in its `roles`, counts for the role), and the AWS managed
policies attached by ARN (`Role.managedPolicyArns`, role, user, group and policy attachments).
An Allow with `NotAction` grants every action it does not list."""

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
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
ATTACHMENTS = (
    ROLE_ATTACHMENT,
    POLICY_ATTACHMENT,
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
)
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
    """Whether the statement's Action (patterns, any case) covers `action`; or, for a
    `NotAction` statement, whether its patterns leave `action` out (never on an unknown)."""
    if "NotAction" in statement:
        excluded = as_list(statement.get("NotAction"))
        return not any(is_unknown(p) for p in excluded) and not _covers(excluded, action)
    return _covers(as_list(statement.get("Action")), action)


def _covers(patterns: list[Any], action: str) -> bool:
    return any(fnmatchcase(action.lower(), str(p).lower()) for p in patterns)


def _names(physical: str, role: Node) -> bool:
    """`physical` is the role's name: given, or Pulumi's auto-name (`<name>-<suffix>`)."""
    suffix = physical.removeprefix(f"{role.name}-")
    return physical in (role.name, role.get("name")) or (suffix != physical and suffix.isalnum())


def _named(stack: Stack, physical: str) -> Node | None:
    roles = [r for r in stack.of_type(ROLE) if _names(physical, r)]
    return roles[0] if len(roles) == 1 else None


def policies_of(stack: Stack, role: Node) -> list[Node]:
    """The inline policies of `role`: those naming it, else those depending on it alone."""
    found = []
    roles = [r.urn for r in stack.of_type(ROLE)]
    for policy in stack.dependents(role, ROLE_POLICY):
        named = policy.get("role")
        if isinstance(named, str) and not is_unknown(named):
            if _names(named, role):
                found.append(policy)
        elif sum(d in roles for d in policy.dependencies) == 1 or policy.name == role.name:
            found.append(policy)
    return found


def role_of(stack: Stack, node: Node) -> Node | None:
    """The role a role policy or attachment is for: the one it names, else the only role it
    depends on (or the one it is named after)."""
    roles = [r for r in stack.of_type(ROLE) if r.urn in node.dependencies]
    named = node.get("role")
    if isinstance(named, str) and not is_unknown(named):
        return _named(stack, named)
    if len(roles) > 1:
        roles = [r for r in roles if r.name == node.name]
    return roles[0] if len(roles) == 1 else None


def roles_of(stack: Stack, attachment: Node) -> list[Node]:
    """The roles an attachment gives its policy to: a RolePolicyAttachment's one role, each
    role in a PolicyAttachment's `roles` (by name; the unknown names are the roles it depends
    on and names not, when as many); none for user and group attachments."""
    if attachment.type == ROLE_ATTACHMENT:
        role = role_of(stack, attachment)
        return [role] if role is not None else []
    if attachment.type != POLICY_ATTACHMENT:
        return []
    listed = attachment.get("roles")
    depended = [r for r in stack.of_type(ROLE) if r.urn in attachment.dependencies]
    if is_unknown(listed):
        return depended
    names = [str(n) for n in as_list(listed)]
    found = [r for r in (_named(stack, n) for n in names if not is_unknown(n)) if r is not None]
    unknown = sum(1 for n in names if is_unknown(n))
    rest = [r for r in depended if r not in found]
    return found + rest if unknown and unknown == len(rest) else found


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
        roles: list[Node | None] = [
            role for a in _attached(stack, policy) for role in roles_of(stack, a)
        ]
        yield from (Held(policy, role, s) for role in roles or [None] for s in statements)
    for policy in stack.of_type(*OTHER_POLICIES):
        for statement in allows(policy.get("policy")):
            yield Held(policy, None, statement)


def managed(stack: Stack, names: tuple[str, ...]) -> Iterator[tuple[Node, Node | None, str]]:
    """(node to flag, role when known, policy name) for each AWS managed policy in `names`
    attached by ARN: in a role's managedPolicyArns or by an attachment (once per role it
    names)."""
    suffixes = tuple(f":policy/{name}" for name in names)
    for role in stack.of_type(ROLE):
        for arn in as_list(role.get("managedPolicyArns")):
            if str(arn).endswith(suffixes):
                yield role, role, str(arn).rsplit("/", 1)[-1]
    for attachment in stack.of_type(*ATTACHMENTS):
        arn = str(attachment.get("policyArn") or "")
        if arn.endswith(suffixes):
            holders: list[Node | None] = [*roles_of(stack, attachment)]
            for holder in holders or [None]:
                yield attachment, holder, arn.rsplit("/", 1)[-1]


def trusted_services(role: Node) -> set[str]:
    """AWS services that may assume the role (empty when not known)."""
    services: set[str] = set()
    for statement in allows(role.get("assumeRolePolicy")):
        principal = statement.get("Principal")
        if isinstance(principal, Mapping):
            services |= {str(p) for p in as_list(principal.get("Service"))}
    return services
