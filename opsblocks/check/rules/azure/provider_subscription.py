"""Every Azure resource is created by the one explicit provider carrying the stack's settings."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PROVIDER = "pulumi:providers:azure-native"
TARGET = ("subscriptionId", "tenantId")


def check(stack: Stack) -> Iterator[Flag]:
    providers = list(stack.of_type(PROVIDER))
    explicit = [p for p in providers if not p.name.startswith("default")]
    if explicit:
        # With an explicit provider in the stack, a resource on the default provider is created
        # wherever the ambient credentials point, not where the rest of the platform goes.
        for node in stack.custom():
            if node.type.startswith("azure-native:") and _provider(stack, node) not in explicit:
                yield Flag(
                    node,
                    "created by the default azure-native provider, not the stack's explicit one",
                )
    seen: dict[str, str] = {}
    for provider in providers:
        for key in TARGET:
            value = provider.get(key)
            if value is None or is_unknown(value):
                continue
            if value == "":
                yield Flag(provider, f"azure-native provider with an empty {key}")
            elif seen.setdefault(key, value) != value:
                yield Flag(provider, f"azure-native providers disagree on {key}")


def _provider(stack: Stack, node: Node) -> Node | None:
    """The provider node, whether the runner gives `<urn>::<id>` or the bare provider urn."""
    if not node.provider:
        return None
    return stack.by_urn.get(node.provider) or stack.provider_of(node)


RULE = Rule(
    id="OB-AZURE-PROV-001",
    severity=Severity.critical,
    title="All Azure resources go through one explicit provider and one subscription",
    protects="part of the platform deployed to whatever subscription the shell selects",
    fix=(
        "pass opts=ResourceOptions(providers=[provider]) "
        "built with the stack's azure-native settings"
    ),
    source="opsblocks deploy review: a provider that does not carry the subscription",
    check=check,
)
