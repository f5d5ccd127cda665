"""Where autoscale sizes an online deployment, Pulumi leaves its instance count alone."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment"


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(DEPLOYMENT):
        scalers = list(stack.dependents(node, "azure-native:monitor:AutoscaleSetting"))
        if not scalers or node.get("sku.capacity") is None:
            continue
        if not any(i in ("sku", "sku.capacity") for i in node.ignore_changes):
            yield Flag(node, f"autoscaled by {scalers[0].name} but `up` resets sku.capacity")


RULE = Rule(
    id="OB-AZURE-ML-011",
    severity=Severity.medium,
    title="An autoscaled online deployment ignores changes to its instance count",
    protects="every `up` scaling a busy deployment back to its initial capacity",
    fix='add ignore_changes=["sku.capacity"] to the OnlineDeployment an AutoscaleSetting targets',
    source="opsblocks deploy review: a second writer Pulumi must not undo (autoscale capacity)",
    check=check,
)
