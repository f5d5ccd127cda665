"""A custom role that grants workspace writes by wildcard denies serving and the guard rails."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

WS = "microsoft.machinelearningservices/workspaces"
DENIED = (
    f"{WS}/onlineendpoints/write",
    f"{WS}/onlineendpoints/delete",
    f"{WS}/onlineendpoints/deployments/write",
    f"{WS}/onlineendpoints/deployments/delete",
    f"{WS}/outboundrules/write",
    f"{WS}/privateendpointconnections/write",
    f"{WS}/schedules/write",
    f"{WS}/schedules/delete",
)
"""Serving, reopening the managed network, approving foreign endpoints, silencing schedules."""


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:authorization:RoleDefinition"):
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


def _patterns(value: object) -> list[str]:
    return [v.lower() for v in as_list(value) if isinstance(v, str) and not is_unknown(v)]


def _matches(action: str, patterns: list[str]) -> bool:
    return any(fnmatchcase(action, p) for p in patterns)


RULE = Rule(
    id="OB-AZURE-ML-010",
    severity=Severity.critical,
    title=(
        "The no-serving custom role denies endpoint, deployment, outbound-rule and schedule writes"
    ),
    protects=(
        "train code deploying a model, reopening the prod network or disabling the quality gate"
    ),
    fix=(
        "add the online endpoint/deployment writes, "
        "outboundRules/*, privateEndpointConnections/* to not_actions"
    ),
    source="opsblocks deploy review: separation of duties (no-serving role denies serving writes)",
    check=check,
)
