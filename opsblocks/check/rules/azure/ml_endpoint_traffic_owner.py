"""CI/CD owns the online endpoint's traffic: `pulumi up` never resets what a deploy set."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ENDPOINT_ARM_TYPE = "microsoft.machinelearningservices/workspaces/onlineendpoints"
OWNED = ("properties.traffic", "properties.mirrorTraffic")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:machinelearningservices:OnlineEndpoint"):
        for path in OWNED:
            if node.get(path) and not _ignored(node, path):
                yield Flag(node, f"endpoint sets {path} and does not ignore changes to it")
    for node in stack.of_type("azure-native:resources:Deployment"):
        for resource in as_list(node.get("properties.template.resources")):
            if not (isinstance(resource, Mapping)
                    and str(resource.get("type", "")).lower() == ENDPOINT_ARM_TYPE):  # fmt: skip
                continue
            for key in ("traffic", "mirrorTraffic"):
                value = (resource.get("properties") or {}).get(key)
                if value is not None and not _keeps_current(value):
                    yield Flag(
                        node,
                        f"template writes the endpoint's {key} without keeping the current value",
                    )


def _ignored(node: Node, path: str) -> bool:
    return any(path == i or path.startswith(f"{i}.") for i in node.ignore_changes)


def _keeps_current(value: object) -> bool:
    """An ARM expression that reads the live endpoint (`reference(...)`) keeps what CI/CD set."""
    return is_unknown(value) or (
        isinstance(value, str) and value.startswith("[") and "reference(" in value
    )


RULE = Rule(
    id="OB-AZURE-ML-008",
    severity=Severity.high,
    title="The online endpoint's traffic has one writer, CI/CD: Pulumi keeps the current split",
    protects="the next `up` sending traffic back to an old or unapproved deployment, or to none",
    fix=(
        "write traffic only through a template reading "
        "reference(endpoint).traffic, or ignore_changes it"
    ),
    source="opsblocks deploy review: CI/CD-owned fields Pulumi must not undo",
    check=check,
)
