"""The platforms every tool is checked on: each tool of each cloud, recorded in the platforms
`tests.platforms.every_tool` previews (a blueprint of the tool and what it needs, every tool at
once in dev and prod, the shipped blueprints), with the tool's component in each."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from opsblocks import catalog
from opsblocks.blueprint import Blueprint
from opsblocks.preview import Graph, Resource
from tests.platforms import every_tool

TOOLS = catalog.tools()


@dataclass(frozen=True)
class Placed:
    """One platform that uses the tool, and the tool's component in it."""

    blueprint: Blueprint
    graph: Graph
    component: Resource

    @property
    def prod(self) -> bool:
        return self.blueprint.environment.value == "prod"

    def resources(self) -> list[Resource]:
        """The cloud resources of the tool: the component's custom descendants."""
        found: list[Resource] = []
        stack = [self.component]
        while stack:
            resource = stack.pop()
            found.append(resource)
            stack.extend(self.graph.children(resource.urn))
        return [r for r in found if r.custom]


def placements(tool: catalog.Tool) -> list[Placed]:
    found = []
    for bp, graph in every_tool(tool.cloud):
        spec = bp.tools().get(tool.capability)
        if spec is None or spec.tool != tool.name:
            continue
        name = f"{bp.name}-{tool.capability}"
        [component] = [r for r in graph.resources
                       if r.parent is None and r.name == name]  # fmt: skip
        found.append(Placed(bp, graph, component))
    return found


@pytest.fixture(params=TOOLS, ids=lambda t: f"{t.cloud}-{t.name}")
def tool(request: pytest.FixtureRequest) -> catalog.Tool:
    found: catalog.Tool = request.param
    return found


@pytest.fixture
def placed(tool: catalog.Tool) -> list[Placed]:
    found = placements(tool)
    assert found, f"no recorded platform uses {tool.name}"
    return found
