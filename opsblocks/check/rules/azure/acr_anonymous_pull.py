"""Container registries refuse unauthenticated pulls."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:containerregistry:Registry"):
        if node.get("anonymousPullEnabled") is True:
            yield Flag(node, "container registry allows anonymous pull")


RULE = Rule(
    id="OB-AZURE-ACR-002",
    severity=Severity.critical,
    title="Container registries have anonymous pull disabled",
    protects="anyone downloading the platform's images, with the model and code baked in",
    fix="set anonymous_pull_enabled=False on the Registry",
    source="Azure Policy: Container registries should have anonymous authentication disabled",
    check=check,
)
