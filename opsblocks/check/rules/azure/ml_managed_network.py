"""Workspaces run their computes in a managed network; prod allows approved outbound only."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ISOLATED = ("AllowInternetOutbound", "AllowOnlyApprovedOutbound")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:machinelearningservices:Workspace"):
        if node.get("kind") == "Project":
            continue  # a project inherits its hub's managed network
        mode = node.get("managedNetwork.isolationMode")
        if is_unknown(mode):
            continue
        if mode not in ISOLATED:
            yield Flag(node, f"workspace without managed network isolation ({mode or 'unset'})")
        elif stack.prod and mode != "AllowOnlyApprovedOutbound":
            yield Flag(node, f"prod workspace managed network allows internet outbound ({mode})")


RULE = Rule(
    id="OB-AZURE-ML-002",
    severity=Severity.high,
    title="Azure ML workspaces use managed network isolation, approved outbound only in prod",
    protects="jobs and notebooks exfiltrating data to any internet host",
    fix=(
        "set managed_network "
        'isolation_mode="AllowOnlyApprovedOutbound" in prod (AllowInternetOutbound in dev)'
    ),
    source="MCSB NS-2 (Azure ML security baseline: managed virtual network isolation)",
    check=check,
)
