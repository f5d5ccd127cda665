"""Custom roles name the provider operations they allow: no `*`, no authorization writes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

BROAD_SCOPES = ("/",)
READ_EVERYTHING = "*/read"
"""What the built-in Reader role allows: reading every resource's settings, writing nothing.
Only as a control-plane action: as a data action it reads every service's data."""


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:authorization:RoleDefinition"):
        problems = []
        for permission in as_list(node.get("permissions")):
            if not isinstance(permission, Mapping):
                continue
            for key in ("actions", "dataActions"):
                for action in as_list(permission.get(key)):
                    if not isinstance(action, str) or is_unknown(action):
                        continue
                    lowered = action.lower()
                    if key == "actions" and lowered == READ_EVERYTHING:
                        continue
                    if lowered == "*" or lowered.startswith("*/"):
                        problems.append(f"{key} {action!r} spans every provider")
                    elif lowered.startswith("microsoft.authorization/") and (
                        lowered.endswith("*") or lowered.endswith("/write")):  # fmt: skip
                        problems.append(f"{key} {action!r} can grant roles")
        for scope in as_list(node.get("assignableScopes")):
            if scope in BROAD_SCOPES:
                problems.append("assignable at the tenant root '/'")
        if problems:
            yield Flag(node, f"custom role: {'; '.join(problems)}")


RULE = Rule(
    id="OB-AZURE-RBAC-002",
    severity=Severity.high,
    title="Custom roles grant no `*` actions (but `*/read`) and no Microsoft.Authorization writes",
    protects="a custom role that is Owner in disguise: every operation, or granting itself more",
    fix=(
        "list the provider operations in the "
        "RoleDefinition's actions; deny the rest with not_actions"
    ),
    source="Azure Policy: Custom subscription owner roles should not exist",
    check=check,
)
