"""Role assignments are scoped to a resource of the platform, never a subscription or above."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ABOVE_RESOURCE_GROUP = re.compile(
    r"^/$|^/subscriptions/[^/]+/?$|^/providers/microsoft\.management/managementgroups/", re.I
)
DEFINITION = "azure-native:authorization:RoleDefinition"
PEOPLE = frozenset({"User", "Group"})
"""Principal types no resource of a stack is: their id comes from a lookup (the deployer's
client configuration, a given object id), never from a dependency."""


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:authorization:RoleAssignment"):
        scope = node.get("scope")
        if isinstance(scope, str) and not is_unknown(scope):
            if ABOVE_RESOURCE_GROUP.match(scope):
                yield Flag(node, f"role assignment scoped to {scope}")
            continue
        # An unknown scope must come from a resource of this stack: besides the identity whose
        # principal id it takes, the assignment depends on what it is scoped to. A person's or
        # a group's id, even unknown until `up` (looked up), comes from no resource: then the
        # one resource it depends on is its scope.
        principal_from_stack = (is_unknown(node.get("principalId"))
                                and node.get("principalType") not in PEOPLE)  # fmt: skip
        resources = [d for d in node.dependencies if d in stack.by_urn
                     and stack.by_urn[d].type != DEFINITION]  # fmt: skip
        if len(resources) < (2 if principal_from_stack else 1):
            yield Flag(node, "role assignment scope comes from no resource of the platform")
    for node in stack.of_type(DEFINITION):
        for scope in node.get("assignableScopes") or ():
            if isinstance(scope, str) and ABOVE_RESOURCE_GROUP.match(scope):
                yield Flag(node, f"custom role assignable at {scope}")


RULE = Rule(
    id="OB-AZURE-RBAC-003",
    severity=Severity.high,
    title="Role assignments and custom roles are scoped below the subscription",
    protects="a grant meant for one workspace reaching every resource in the subscription",
    fix=(
        "set the RoleAssignment scope (and "
        "assignable_scopes) to the resource's id, at most its group"
    ),
    source="MCSB PA-7 (just enough administration: scope access to the resource)",
    check=check,
)
