"""Container registries have no admin user: pushes and pulls are by identity."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:containerregistry:Registry"):
        if node.get("adminUserEnabled") is True:
            yield Flag(node, "container registry admin user is enabled")


RULE = Rule(
    id="OB-AZURE-ACR-001",
    severity=Severity.high,
    title="Container registries have the local admin user disabled",
    protects="a shared admin password pushing images that serving then runs",
    fix="set admin_user_enabled=False on the Registry and grant AcrPush/AcrPull to identities",
    source="Azure Policy: Container registries should have local admin account disabled",
    check=check,
)
