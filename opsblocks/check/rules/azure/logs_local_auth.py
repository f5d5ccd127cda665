"""Log Analytics takes Microsoft Entra ID ingestion only: no shared workspace keys."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:operationalinsights:Workspace"):
        disabled = node.get("features.disableLocalAuth")
        if disabled is not True and not is_unknown(disabled):
            yield Flag(node, "Log Analytics workspace accepts key-based (non-Entra ID) ingestion")


RULE = Rule(
    id="OB-AZURE-LOGS-003",
    severity=Severity.medium,
    title="Log Analytics workspaces block non-Microsoft Entra ID ingestion",
    protects="anyone holding the shared workspace key writing forged entries into the audit trail",
    fix="set features.disable_local_auth=True on the operationalinsights Workspace",
    source=(
        "Azure Policy: Log Analytics Workspaces should block "
        "non-Azure Active Directory based ingestion"
    ),
    check=check,
)
