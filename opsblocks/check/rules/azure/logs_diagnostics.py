"""Key vaults and Azure ML workspaces send their resource logs to Log Analytics."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Node, Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

AUDITED = ("azure-native:keyvault:Vault", "azure-native:machinelearningservices:Workspace")
DESTINATIONS = ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(*AUDITED):
        settings = list(stack.dependents(node, "azure-native:monitor:DiagnosticSetting"))
        if not any(_logs(s) for s in settings):
            kind = node.type.rsplit(":", 1)[-1]
            yield Flag(node, f"{kind} without a diagnostic setting sending its resource logs")


def _logs(setting: Node) -> bool:
    enabled = [entry for entry in as_list(setting.get("logs"))
               if isinstance(entry, Mapping) and entry.get("enabled") is not False
               and (entry.get("category") or entry.get("categoryGroup"))]  # fmt: skip
    return bool(enabled) and any(setting.get(d) for d in DESTINATIONS)


RULE = Rule(
    id="OB-AZURE-LOGS-002",
    severity=Severity.medium,
    title="Key vaults and Azure ML workspaces have diagnostic settings sending their logs",
    protects="no record of who read the platform key or changed models, jobs and endpoints",
    fix="add a DiagnosticSetting on the resource with audit logs enabled and workspace_id set",
    source="Azure Policy: Resource logs in Azure Machine Learning Workspaces should be enabled",
    check=check,
)
