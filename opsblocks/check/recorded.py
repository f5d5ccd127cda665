"""The offline recording as the graph the rules read."""

from __future__ import annotations

from opsblocks.check.graph import Node, Stack
from opsblocks.preview import Graph, Resource, engine_urn


def stack_of(graph: Graph) -> Stack:
    return Stack(tuple(_node(r) for r in graph.resources))


def _node(resource: Resource) -> Node:
    return Node(
        urn=resource.urn,
        type=resource.type,
        name=resource.name,
        inputs=resource.inputs,
        parent=resource.parent,
        custom=resource.custom,
        protect=resource.protect,
        retain_on_delete=resource.retain_on_delete,
        ignore_changes=tuple(resource.ignore_changes),
        # The engine's provider reference is `<provider urn>::<provider id>`.
        provider=engine_urn(resource.provider.rsplit("::", 1)[0]) if resource.provider else None,
        dependencies=tuple(resource.dependencies),
    )
