"""Prod Azure ML workspaces and registries are reachable through private endpoints only."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

TYPES = (
    "azure-native:machinelearningservices:Workspace",
    "azure-native:machinelearningservices:Registry",
)


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    for node in stack.of_type(*TYPES):
        access = node.get("publicNetworkAccess")
        if is_unknown(access) or access == "Disabled":
            continue
        kind = node.type.rsplit(":", 1)[-1]
        yield Flag(
            node,
            f"prod Azure ML {kind.lower()} publicNetworkAccess is {access or 'unset (Enabled)'}",
        )


RULE = Rule(
    id="OB-AZURE-ML-001",
    severity=Severity.high,
    title="Prod Azure ML workspaces and registries disable public network access",
    protects="the workspace API, its models and data reachable from any network with a token",
    fix='in prod set public_network_access="Disabled" on the Workspace and the ML Registry',
    source="Azure Policy: Azure Machine Learning Workspaces should disable public network access",
    check=check,
)
