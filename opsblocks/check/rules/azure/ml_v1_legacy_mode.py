"""Workspaces keep the v2 API on: the platform's endpoints and schedules are v2 resources."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

V2_TYPES = (
    "azure-native:machinelearningservices:OnlineEndpoint",
    "azure-native:machinelearningservices:OnlineDeployment",
    "azure-native:machinelearningservices:Schedule",
    "azure-native:machinelearningservices:ComponentVersion",
    "azure-native:machinelearningservices:Datastore",
)


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:machinelearningservices:Workspace"):
        if node.get("v1LegacyMode") is not True:
            continue
        users = [n.name for n in stack.of_type(*V2_TYPES) if node.urn in n.dependencies]
        detail = f" ({len(users)} v2 resources depend on it)" if users else ""
        yield Flag(node, f"workspace in v1 legacy mode turns the v2 API off{detail}")


RULE = Rule(
    id="OB-AZURE-ML-003",
    severity=Severity.critical,
    title="Azure ML workspaces keep v1 legacy mode off",
    protects=(
        "the first `up` failing on online endpoints, schedules and datastores the v2 API serves"
    ),
    fix="set v1_legacy_mode=False on the Workspace (secure it with private endpoints instead)",
    source=(
        "opsblocks deploy review: v2 resources need the workspace's v2 API (aka.ms/V1LegacyMode)"
    ),
    check=check,
)
