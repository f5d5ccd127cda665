"""A custom role that identities running code under test hold denies serving and the guard
rails, even where it grants workspace writes by wildcard.

Only custom roles assigned to such an identity (what a compute, a schedule or an ungated CI/CD
credential runs as: `_roles.runners`, the set OB-AZURE-ML-009 judges) are judged here: the
gated deploy identity is meant to serve.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.azure._roles import ASSIGNMENT, DEFINITION, runners

WS = "microsoft.machinelearningservices/workspaces"
DENIED = (
    f"{WS}/onlineendpoints/write",
    f"{WS}/onlineendpoints/delete",
    f"{WS}/onlineendpoints/deployments/write",
    f"{WS}/onlineendpoints/deployments/delete",
    f"{WS}/batchendpoints/write",
    f"{WS}/batchendpoints/delete",
    f"{WS}/batchendpoints/deployments/write",
    f"{WS}/batchendpoints/deployments/delete",
    f"{WS}/serverlessendpoints/write",
    f"{WS}/serverlessendpoints/delete",
    f"{WS}/outboundrules/write",
    f"{WS}/privateendpointconnections/write",
    f"{WS}/schedules/write",
    f"{WS}/schedules/delete",
)
"""Serving (online, batch or serverless), reopening the managed network, approving foreign
endpoints, silencing schedules."""


def check(stack: Stack) -> Iterator[Flag]:
    runs_code = runners(stack)
    for node in stack.of_type(DEFINITION):
        if not _assigned_to(stack, node, runs_code):
            continue
        allowed: list[str] = []
        denied: list[str] = []
        for permission in as_list(node.get("permissions")):
            if isinstance(permission, Mapping):
                allowed += _patterns(permission.get("actions"))
                denied += _patterns(permission.get("notActions"))
        open_ = [a for a in DENIED if _matches(a, allowed) and not _matches(a, denied)]
        if open_:
            yield Flag(
                node, "custom role allows " + ", ".join(a.removeprefix(f"{WS}/") for a in open_)
            )


def _assigned_to(stack: Stack, role: Node, identities: set[str]) -> bool:
    """Whether an assignment of `role` (its id is known only after `up`: the assignment
    depends on it) names one of `identities`."""
    return any(role.urn in a.dependencies and identities.intersection(a.dependencies)
               for a in stack.of_type(ASSIGNMENT))  # fmt: skip


def _patterns(value: object) -> list[str]:
    return [v.lower() for v in as_list(value) if isinstance(v, str) and not is_unknown(v)]


def _matches(action: str, patterns: list[str]) -> bool:
    return any(fnmatchcase(action, p) for p in patterns)


RULE = Rule(
    id="OB-AZURE-ML-010",
    severity=Severity.critical,
    title=(
        "Custom roles of code-running identities deny endpoint, outbound-rule and schedule writes"
    ),
    protects=(
        "train code deploying a model, reopening the prod network or disabling the quality gate"
    ),
    fix=(
        "add online/batch/serverless endpoint and deployment writes, "
        "outboundRules/*, privateEndpointConnections/* to not_actions"
    ),
    source="opsblocks deploy review: separation of duties (no-serving role denies serving writes)",
    check=check,
)
