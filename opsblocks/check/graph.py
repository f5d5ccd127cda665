"""The graph the rules read: resources as the engine registers them, with no SDK types.

Both runners build it: `opsblocks check` from the offline recording, the policy pack from the
engine's `StackValidationArgs`. Property names are the engine's (camelCase), as both see them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

UNKNOWN = "(known after up)"
"""A value only the cloud knows (an id, an ARN); never a finding on its own."""
CAPABILITIES = ("data", "registry", "training", "serving", "validation", "monitoring", "cicd")
TAG_KEYS = ("tags", "labels", "userLabels", "resourceLabels")
ENVIRONMENT_TAGS = ("opsblocks:environment", "opsblocks-environment")
CAPABILITY_TAGS = ("opsblocks:capability", "opsblocks-capability")


@dataclass(frozen=True)
class Node:
    """One registered resource (custom, component or provider)."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    parent: str | None = None
    custom: bool = True
    protect: bool = False
    retain_on_delete: bool | None = False
    """None where the runner cannot see it (the policy pack API does not carry it)."""
    ignore_changes: tuple[str, ...] = ()
    provider: str | None = None
    """The URN of the provider resource that manages it."""
    dependencies: tuple[str, ...] = ()

    def get(self, path: str, default: Any = None) -> Any:
        """The input at a dotted path (`versioning.enabled`, `rules.0.applyServerSide...`)."""
        return dig(self.inputs, path, default)

    @property
    def tags(self) -> Mapping[str, str]:
        for key in TAG_KEYS:
            value = self.inputs.get(key)
            if isinstance(value, Mapping):
                return value
        return {}

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")


def dig(value: Any, path: str, default: Any = None) -> Any:
    for part in path.split(".") if path else ():
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, Sequence) and not isinstance(value, str) and part.isdigit():
            index = int(part)
            if index >= len(value):
                return default
            value = value[index]
        else:
            return default
    return value


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value == UNKNOWN


def document(value: Any) -> Mapping[str, Any]:
    """A policy document given as JSON text or as a mapping; {} when it is not known."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and not is_unknown(value):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, Mapping) else {}
    return {}


def as_list(value: Any) -> list[Any]:
    """IAM's "one or many": a string or a list, as a list."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        return [value]
    return list(value)


@dataclass(frozen=True)
class Stack:
    """Every resource of one stack, and what the rules ask of them together."""

    nodes: tuple[Node, ...]
    environment_override: str | None = None
    previous: Stack | None = None
    """The stack as deployed today, when the runner has it (`opsblocks check --against`): what
    rules about changes (a replaced bucket) compare with."""

    @cached_property
    def by_urn(self) -> dict[str, Node]:
        return {n.urn: n for n in self.nodes}

    @cached_property
    def _by_type(self) -> dict[str, list[Node]]:
        found: dict[str, list[Node]] = {}
        for node in self.nodes:
            found.setdefault(node.type, []).append(node)
        return found

    def of_type(self, *types: str) -> Iterator[Node]:
        return (n for t in types for n in self._by_type.get(t, ()))

    def custom(self) -> Iterator[Node]:
        return (n for n in self.nodes if n.custom and not n.is_provider)

    @cached_property
    def clouds(self) -> frozenset[str]:
        """The packages the stack's resources come from: aws, azure-native, gcp, ..."""
        return frozenset(n.type.split(":")[0] for n in self.nodes if n.custom)

    @cached_property
    def environment(self) -> str:
        """dev, staging or prod, from the platform tags (dev when none says)."""
        if self.environment_override:
            return self.environment_override
        for node in self.nodes:
            for key in ENVIRONMENT_TAGS:
                value = node.tags.get(key)
                if isinstance(value, str) and value:
                    return value
        return "dev"

    @property
    def prod(self) -> bool:
        return self.environment == "prod"

    def parent_of(self, node: Node) -> Node | None:
        return self.by_urn.get(node.parent) if node.parent else None

    def dependents(self, node: Node, *types: str) -> Iterator[Node]:
        """Resources of `types` that depend on `node`: how a rule finds the policy, the
        encryption or the access block of a bucket whose id is known only after `up`."""
        return (n for n in self.of_type(*types) if node.urn in n.dependencies)

    def provider_of(self, node: Node) -> Node | None:
        return self.by_urn.get(node.provider) if node.provider else None

    def capability_of(self, node: Node) -> str:
        """The capability a resource serves: its platform tag, else its component's name
        (`<blueprint>-<capability>`), else `foundation`."""
        current: Node | None = node
        while current is not None:
            for key in CAPABILITY_TAGS:
                value = current.tags.get(key)
                if isinstance(value, str) and value:
                    return value
            if current.parent is None and not current.custom:
                suffix = current.name.rsplit("-", 1)[-1]
                return suffix if suffix in CAPABILITIES else "foundation"
            current = self.parent_of(current)
        return "foundation"
