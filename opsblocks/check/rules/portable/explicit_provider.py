"""Resources of a cloud go through the platform's explicit provider, which carries the stack's
account, project or subscription and the blueprint's region."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack
from opsblocks.check.rule import Flag, Rule, Severity

PROVIDER_PREFIX = "pulumi:providers:"


def is_default(provider: Node | None) -> bool:
    """The engine names the providers it makes on its own `default` or `default_<version>`."""
    return provider is None or provider.name.startswith("default")


def check(stack: Stack) -> Iterator[Flag]:
    explicit = {
        node.type.removeprefix(PROVIDER_PREFIX)
        for node in stack.nodes
        if node.is_provider and not is_default(node)
    }
    for node in stack.custom():
        package = node.type.split(":")[0]
        provider = stack.provider_of(node)
        if provider is not None and provider.type != f"{PROVIDER_PREFIX}{package}":
            yield Flag(node, f"a {package} resource through a {provider.type} provider")
        elif package in explicit and is_default(provider):
            yield Flag(node, f"uses the default {package} provider, not the platform's")


RULE = Rule(
    id="OB-ALL-PROV-001",
    severity=Severity.critical,
    title="Every resource of a cloud goes through the platform's explicit provider",
    protects="resources created in another account, project, subscription or region",
    fix="pass ResourceOptions(provider=...) (or parent=component) so the resource inherits it",
    source="opsblocks deploy review: a provider that ignored the stack's project",
    check=check,
)
