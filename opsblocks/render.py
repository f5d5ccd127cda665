"""How a preview is shown: a tree by capability -> component -> resources, a summary, JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from opsblocks.blueprint import Blueprint
from opsblocks.preview import Graph, Resource

PROTECTED = "[bold yellow]protected[/]"
RETAINED = "[yellow]retained[/]"


def short_type(type_token: str) -> str:
    """`aws:s3/bucketPolicy:BucketPolicy` -> `aws.s3.BucketPolicy`, as the Python SDK names it."""
    if type_token.startswith("opsblocks:index:"):
        return type_token.removeprefix("opsblocks:index:")
    package, module, name = type_token.split(":")
    module = module.split("/")[0]
    if module == "providers":
        return f"provider.{name}"
    package = package.replace("-", "_")  # azure-native: `azure_native.storage.StorageAccount`
    return f"{package}.{name}" if module == "index" else f"{package}.{module}.{name}"


def _label(resource: Resource) -> str:
    markers = [
        m for m, on in ((PROTECTED, resource.protect), (RETAINED, resource.retain_on_delete)) if on
    ]
    style = "bold" if resource.is_component else ""
    name = f"[{style}]{resource.name}[/]" if style else resource.name
    return " ".join([f"[cyan]{short_type(resource.type)}[/]", name, *markers, *_settings(resource)])


def _settings(resource: Resource) -> list[str]:
    """A provider's settings (region, project, profile, ...): which account it deploys to."""
    if not resource.type.startswith("pulumi:providers:"):
        return []
    shown = ", ".join(f"{key}={escape(str(value))}" for key, value in resource.inputs.items())
    return [f"[dim]({shown})[/]"] if shown else []


def _add(branch: Tree, graph: Graph, resource: Resource) -> None:
    node = branch.add(_label(resource))
    for child in sorted(graph.children(resource.urn), key=lambda r: (r.custom, r.type, r.name)):
        _add(node, graph, child)


def _sections(bp: Blueprint, graph: Graph) -> list[tuple[str, str, list[Resource]]]:
    """(capability, tool, top-level resources) in build order; foundation first."""
    top = [r for r in graph.resources if r.parent is None]
    names = {bp.name: ("foundation", "foundation")}
    names |= {f"{bp.name}-{cap.value}": (cap.value, spec.tool) for cap, spec in bp.tools().items()}
    sections = [(cap, tool, [r for r in top if r.name == name and r.is_component])
                for name, (cap, tool) in names.items()]  # fmt: skip
    others = [r for r in top if not any(r in s[2] for s in sections)]
    if others:
        sections.append(("providers", "", others))
    return sections


def subtree_size(graph: Graph, roots: list[Resource]) -> tuple[int, int]:
    """Cloud resources (components not counted) and protected ones below `roots`."""
    count = protected = 0
    stack = list(roots)
    while stack:
        resource = stack.pop()
        if resource.custom and not resource.type.startswith("pulumi:providers:"):
            count += 1
            protected += resource.protect
        stack.extend(graph.children(resource.urn))
    return count, protected


def tree(bp: Blueprint, graph: Graph) -> Group:
    root = Tree(
        f"[bold]{bp.name}[/] · {bp.cloud.value} {bp.region} · {bp.environment.value}",
        guide_style="dim",
    )
    summary = Table(title="Summary", title_justify="left", show_edge=False)
    for column in ("capability", "tool", "resources", "protected"):
        summary.add_column(
            column, justify="right" if column in ("resources", "protected") else "left"
        )
    for capability, tool, roots in _sections(bp, graph):
        branch = root.add(f"[bold magenta]{capability}[/]" + (f" · {tool}" if tool else ""))
        for resource in roots:
            _add(branch, graph, resource)
        count, protected = subtree_size(graph, roots)
        if count:
            summary.add_row(capability, tool, str(count), str(protected))
    total, protected = subtree_size(graph, [r for r in graph.resources if r.parent is None])
    summary.add_section()
    summary.add_row("total", "", str(total), str(protected))
    outputs = Table(title="Stack outputs", title_justify="left", show_edge=False)
    outputs.add_column("output")
    outputs.add_column("value", overflow="fold")
    for key, value in graph.outputs.items():
        outputs.add_row(key, value if isinstance(value, str) else json.dumps(value))
    return Group(root, "", summary, "", outputs)


def as_json(bp: Blueprint, graph: Graph) -> str:
    total, protected = subtree_size(graph, [r for r in graph.resources if r.parent is None])
    document: dict[str, Any] = {
        "blueprint": {"name": bp.name, "cloud": bp.cloud.value, "region": bp.region,
                      "environment": bp.environment.value,
                      "capabilities": {c.value: s.tool for c, s in bp.tools().items()}},
        "summary": {"resources": total, "protected": protected,
                    "components": sum(r.is_component for r in graph.resources)},
        "resources": [
            {**_recorded(r), "kind": "component" if r.is_component else "resource"}
            for r in sorted(graph.resources, key=lambda r: r.urn)
        ],
        "outputs": graph.outputs,
        "warnings": graph.warnings,
    }  # fmt: skip
    return json.dumps(document, indent=2, sort_keys=False)


def _recorded(resource: Resource) -> dict[str, Any]:
    """A resource as JSON; `aliases` only where a resource has former names."""
    found = asdict(resource)
    if not resource.aliases:
        del found["aliases"]
    return found
