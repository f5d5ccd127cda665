"""Azure ML computes accept Microsoft Entra ID only."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

NODES = ("AmlCompute", "ComputeInstance")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:machinelearningservices:Compute"):
        kind = node.get("properties.computeType")
        if kind not in NODES:
            continue
        disabled = node.get("properties.disableLocalAuth")
        if disabled is not True and not is_unknown(disabled):
            yield Flag(node, f"{kind} accepts local authentication (disableLocalAuth not true)")


RULE = Rule(
    id="OB-AZURE-ML-005",
    severity=Severity.medium,
    title="Azure ML computes have local authentication disabled",
    protects="compute keys granting access that no Entra ID role or sign-in log accounts for",
    fix="set properties.disable_local_auth=True on the Compute",
    source=(
        "Azure Policy: Azure Machine Learning Computes should "
        "have local authentication methods disabled"
    ),
    check=check,
)
