"""The program's loop, alike on every cloud: promises first, then each tool in dependency order,
each handed a `Site` with what the tools before it gave.

Each cloud's module (`aws.py`, `azure.py`, `gcp.py`) makes the provider and the foundation,
then calls `build_tools`; it never names a tool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

import pulumi

from opsblocks import catalog
from opsblocks.blueprint import Blueprint
from opsblocks.contracts import Contract, KubernetesHost
from opsblocks.environment import Profile, profile
from opsblocks.errors import OpsblocksError
from opsblocks.model import Environment

if TYPE_CHECKING:
    from opsblocks.contracts import StackOutputs
    from opsblocks.tools import AnyTool

C = TypeVar("C", bound=Contract)
T = TypeVar("T")
F = TypeVar("F", bound=Contract)


@dataclass
class Given:
    """The contracts given so far: promised ones, then built ones as tools are built."""

    contracts: list[Contract] = field(default_factory=list)

    def get(self, kind: type[C]) -> C | None:
        return next((c for c in self.contracts if isinstance(c, kind)), None)

    def need(self, kind: type[C]) -> C:
        found = self.get(kind)
        if found is None:  # `validate` refuses such a blueprint; this is a program error
            raise OpsblocksError(f"no tool of the blueprint gives {kind.__name__}")
        return found


@dataclass(frozen=True)
class Site(Generic[F]):
    """Where one tool builds: its component's name, tags and options, the cloud's foundation,
    and what the tools before it gave. Each cloud subclasses it with its own naming rules."""

    blueprint: Blueprint
    foundation: F
    capability: str
    tool: str
    opts: pulumi.ResourceOptions
    given: Given

    @property
    def name(self) -> str:
        """The component's name: `<blueprint>-<capability>`."""
        return f"{self.blueprint.name}-{self.capability}"

    @property
    def env(self) -> Profile:
        return profile(self.blueprint.environment)

    @property
    def prod(self) -> bool:
        return self.blueprint.environment is Environment.prod

    @property
    def region(self) -> str:
        return self.blueprint.region

    def physical(self, role: str = "", separator: str = "-") -> str:
        """Names a cloud requires up front, unique per blueprint and environment:
        `<blueprint>-<environment>-<role>`; with another separator (e.g. "_" where hyphens are
        not allowed) the blueprint name's hyphens become that separator too."""
        parts = (self.blueprint.name, self.blueprint.environment.value, role)
        return separator.join(part.replace("-", separator) for part in parts if part)

    def on(self, host: KubernetesHost) -> pulumi.ResourceOptions:
        """The tool's resource options with the cluster's Kubernetes provider added: what a
        tool installing onto the cluster builds with."""
        return pulumi.ResourceOptions.merge(
            self.opts, pulumi.ResourceOptions(providers=[host.provider])
        )

    def get(self, kind: type[C]) -> C | None:
        return self.given.get(kind)

    def need(self, kind: type[C]) -> C:
        return self.given.need(kind)


def build_tools(bp: Blueprint, at: Callable[[str, str, Given], Site[F]]) -> StackOutputs:
    """Build the blueprint's tools; `at(capability, tool, given)` makes a tool's site."""
    given = Given()
    chosen = [(catalog.find(bp.cloud, cap, spec.tool), spec.options)
              for cap, spec in bp.tools().items()]  # fmt: skip
    for tool, options in chosen:
        given.contracts.extend(tool.promise(options))
    outputs: StackOutputs = {}
    for tool, options in in_order(chosen):
        contract = tool.make(at(tool.capability.value, tool.name, given), options)
        given.contracts.append(contract)
        outputs |= contract.outputs()
    return outputs


def in_order(chosen: list[tuple[AnyTool, T]]) -> Iterator[tuple[AnyTool, T]]:
    """Tools after those whose contracts they need or use, else in capability order."""
    pending = list(chosen)
    while pending:
        for index, (tool, _) in enumerate(pending):
            later = [other.gives for other, _ in pending if other is not tool]
            waits = [kind for kind in (*tool.needs, *tool.uses)
                     if any(issubclass(given, kind) for given in later)]  # fmt: skip
            if not waits:
                yield pending.pop(index)
                break
        else:
            names = ", ".join(t.name for t, _ in pending)
            raise OpsblocksError(f"tools need each other in a circle: {names}")
