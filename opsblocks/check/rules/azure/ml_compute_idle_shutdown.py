"""Compute instances shut down when idle."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:machinelearningservices:Compute"):
        if node.get("properties.computeType") != "ComputeInstance":
            continue
        idle = node.get("properties.properties.idleTimeBeforeShutdown")
        if not idle and not is_unknown(idle):
            yield Flag(node, "compute instance without idle shutdown")


RULE = Rule(
    id="OB-AZURE-ML-006",
    severity=Severity.low,
    title="Azure ML compute instances have idle shutdown",
    protects="a forgotten notebook VM billing around the clock and staying reachable",
    fix='set properties.properties.idle_time_before_shutdown (e.g. "PT60M") on the ComputeInstance',
    source="Azure Policy: Azure Machine Learning Compute Instance should have idle shutdown.",
    check=check,
)
