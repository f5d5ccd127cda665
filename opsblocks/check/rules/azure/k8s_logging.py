"""AKS clusters send their control-plane and audit logs to Log Analytics."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Node, Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

CLUSTER = "azure-native:containerservice:ManagedCluster"
SETTING = "azure-native:monitor:DiagnosticSetting"
AUDIT = {"kube-audit", "kube-audit-admin"}
GROUPS = {"audit", "allLogs"}
DESTINATIONS = ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(CLUSTER):
        found: set[str] = set()
        for setting in stack.dependents(node, SETTING):
            found |= _logged(setting)
        if not (found & (AUDIT | GROUPS)):
            yield Flag(node, "AKS cluster without a diagnostic setting sending its audit logs")
        elif not (found & ({"kube-apiserver"} | GROUPS)):
            yield Flag(node, "AKS cluster does not send its API server logs")


def _logged(setting: Node) -> set[str]:
    """The categories and category groups a setting sends somewhere."""
    if not any(setting.get(d) for d in DESTINATIONS):
        return set()
    return {str(entry.get("category") or entry.get("categoryGroup"))
            for entry in as_list(setting.get("logs"))
            if isinstance(entry, Mapping) and entry.get("enabled") is not False}  # fmt: skip


RULE = Rule(
    id="OB-AZURE-AKS-003",
    severity=Severity.medium,
    title="AKS clusters send API server and audit logs to Log Analytics",
    protects="no record of who changed or read what on the cluster",
    fix="add a DiagnosticSetting on the cluster with kube-apiserver and kube-audit-admin logs",
    source="Azure Policy: Resource logs in Azure Kubernetes Service should be enabled",
    check=check,
)
