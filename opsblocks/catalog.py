"""The capability matrix: (cloud, capability, tool) -> the tool's module in `opsblocks.tools`.

Tool modules name their component by import path only, so listing or validating tools never
imports a cloud SDK; a component module (and with it its SDK) is imported the first time a
blueprint builds it.
"""

from __future__ import annotations

from collections.abc import Iterable

from opsblocks.contracts import Contract
from opsblocks.errors import OpsblocksError
from opsblocks.model import Capability, Cloud
from opsblocks.tools import AnyTool, discover

Tool = AnyTool


def tools(cloud: Cloud | None = None, capability: Capability | None = None) -> list[Tool]:
    return [
        t
        for t in discover()
        if (cloud is None or t.cloud == cloud)
        and (capability is None or t.capability == capability)
    ]


def tool_names(cloud: Cloud, capability: Capability) -> list[str]:
    return [t.name for t in tools(cloud, capability)]


def find(cloud: Cloud, capability: Capability, name: str) -> Tool:
    for t in tools(cloud, capability):
        if t.name == name:
            return t
    raise OpsblocksError(
        f"'{name}' is not a {capability} tool on {cloud} "
        f"(choose: {', '.join(tool_names(cloud, capability)) or 'none yet'})"
    )


def gives(tool: Tool) -> tuple[type[Contract], ...]:
    """What a tool gives: what it builds and what it promises."""
    return (tool.gives, *tool.promised)


def givers(cloud: Cloud, kind: type[Contract]) -> list[Tool]:
    """The tools of `cloud` that give `kind`."""
    return [t for t in tools(cloud) if any(issubclass(g, kind) for g in gives(t))]


def unmet(tool: Tool, chosen: Iterable[Tool]) -> list[type[Contract]]:
    """What `tool` needs that none of the `chosen` tools gives."""
    given = [kind for other in chosen for kind in gives(other)]
    return [need for need in tool.needs if not any(issubclass(g, need) for g in given)]


def requirements(cloud: Cloud, capability: Capability) -> tuple[Capability, ...]:
    """The capabilities every tool of `capability` on `cloud` takes something from."""
    per_tool = [
        {giver.capability for need in tool.needs for giver in givers(cloud, need)}
        for tool in tools(cloud, capability)
    ]
    common = set.intersection(*per_tool) if per_tool else set()
    return tuple(c for c in Capability if c in common)
