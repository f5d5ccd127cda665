"""The capability matrix: (cloud, capability, tool) -> the tool's module in `opsblocks.tools`.

Tool modules name their component by import path only, so listing or validating tools never
imports a cloud SDK; a component module (and with it its SDK) is imported the first time a
blueprint builds it.
"""

from __future__ import annotations

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
