"""Architecture diagrams: a recorded resource graph -> a diagram model -> D2 or Mermaid text.

One cluster per capability (the foundation first) holds the capability's main resources;
everything else it creates — bucket settings, policies, roles, subnets, alarms — is counted
in a "+N more" note. Arrows show how data and models move between the capabilities the
blueprint has. Pure functions: rendering the SVG (a subprocess) is `opsblocks.d2`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from opsblocks import catalog
from opsblocks.blueprint import Blueprint
from opsblocks.errors import OpsblocksError
from opsblocks.model import Capability
from opsblocks.preview import Graph, Resource
from opsblocks.render import _sections, short_type, subtree_size

FOUNDATION = "foundation"

FOUNDATION_TYPES: dict[str, tuple[str, ...]] = {
    "aws": ("aws.ec2.Vpc", "aws.kms.Key", "aws.s3.Bucket"),
    "azure": ("azure_native.network.VirtualNetwork", "azure_native.keyvault.Vault",
              "azure_native.keyvault.Key", "azure_native.operationalinsights.Workspace"),
    "gcp": ("gcp.compute.Network", "gcp.kms.CryptoKey", "gcp.storage.Bucket"),
}  # fmt: skip
"""What the foundation's cluster draws: the network, the key, the logs everything shares.

A tool's cluster draws its `Tool.main_types`, in that order: what a reader looks for in the
architecture (a bucket, a pipeline, an endpoint); its settings, policies, roles, log groups,
subnets and alarms are counted, not drawn — and so, on GCP, are service accounts, IAM members,
enabled APIs, key rings and log-based metrics; on Azure, role assignments, private endpoints and
DNS zones, diagnostic settings and alerts."""


def main_types(bp: Blueprint, capability: str) -> tuple[str, ...]:
    """The resource types the cluster of `capability` draws, in the order it lists them."""
    if capability == FOUNDATION:
        return FOUNDATION_TYPES[bp.cloud.value]
    spec = bp.tools()[Capability(capability)]
    return catalog.find(bp.cloud, Capability(capability), spec.tool).main_types


class FlowRule(NamedTuple):
    source: Capability
    target: Capability
    label: str
    drives: bool = False
    """Control, not data: CI/CD starting or deploying something."""
    unless: Capability | None = None
    """Not drawn when the blueprint has this capability (a path through it is drawn instead)."""


FLOWS = (
    FlowRule(Capability.data, Capability.training, "training data"),
    # Words every cloud shares: SageMaker's "model packages" are Vertex's and Azure ML's
    # "model versions".
    FlowRule(Capability.training, Capability.registry, "model versions"),
    FlowRule(Capability.registry, Capability.validation, "candidates"),
    FlowRule(Capability.validation, Capability.serving, "approved model"),
    FlowRule(
        Capability.registry, Capability.serving, "model versions", unless=Capability.validation
    ),
    FlowRule(Capability.serving, Capability.monitoring, "captured requests"),
    FlowRule(Capability.cicd, Capability.training, "starts the pipeline", drives=True),
    FlowRule(Capability.cicd, Capability.serving, "deploys", drives=True),
)
"""Data and models between capabilities: data -> training -> registry -> validation ->
serving -> monitoring; CI/CD drives training and deploys to serving."""


@dataclass(frozen=True)
class Node:
    id: str
    """Unique within the diagram: `<cluster>_<name>_<type>`, letters, digits, underscores."""
    name: str
    """The resource name without the blueprint's (and the capability's) prefix."""
    type: str
    """The short type, e.g. `aws.s3.Bucket`."""


@dataclass(frozen=True)
class Cluster:
    id: str
    """`foundation` or the capability, e.g. `data`."""
    title: str
    """`data · s3`: the capability and its tool."""
    nodes: tuple[Node, ...]
    more: int
    """Cloud resources of the capability that are not drawn."""


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    label: str
    drives: bool
    """Drawn dashed: control (CI/CD), not the flow of data and models."""


@dataclass(frozen=True)
class Diagram:
    title: str
    clusters: tuple[Cluster, ...]
    arrows: tuple[Arrow, ...]


def build(bp: Blueprint, graph: Graph) -> Diagram:
    """The diagram of `bp`'s platform from the graph its preview recorded."""
    wanted = {FOUNDATION, *(cap.value for cap in bp.tools())}
    clusters = tuple(
        _cluster(bp, graph, capability, tool, roots)
        for capability, tool, roots in _sections(bp, graph)
        if capability in wanted
    )
    present = set(bp.tools())
    arrows = tuple(
        Arrow(rule.source.value, rule.target.value, rule.label, rule.drives)
        for rule in FLOWS
        if {rule.source, rule.target} <= present and rule.unless not in present
    )
    title = f"{bp.name} · {bp.cloud.value} {bp.region} · {bp.environment.value}"
    return Diagram(title, clusters, arrows)


def _cluster(
    bp: Blueprint, graph: Graph, capability: str, tool: str, roots: list[Resource]
) -> Cluster:
    component = bp.name if capability == FOUNDATION else f"{bp.name}-{capability}"
    drawn = main_types(bp, capability)
    main = sorted(
        (r for r in _descendants(graph, roots) if short_type(r.type) in drawn),
        key=lambda r: (drawn.index(short_type(r.type)), r.name),
    )
    nodes: list[Node] = []
    for resource in main:
        type_ = short_type(resource.type)
        name = _readable(resource.name, component, bp.name)
        base = _identifier(f"{capability}_{name}_{type_.split('.')[-1]}")
        node_id, suffix = base, 1
        while any(n.id == node_id for n in nodes):  # namesakes of one type under two parents
            suffix += 1
            node_id = f"{base}_{suffix}"
        nodes.append(Node(node_id, name, type_))
    count, _protected = subtree_size(graph, roots)
    title = capability if tool in ("", FOUNDATION) else f"{capability} · {tool}"
    return Cluster(capability, title, tuple(nodes), count - len(nodes))


def _descendants(graph: Graph, roots: list[Resource]) -> list[Resource]:
    found: list[Resource] = []
    stack = list(roots)
    while stack:
        resource = stack.pop()
        found.append(resource)
        stack.extend(graph.children(resource.urn))
    return [r for r in found if r.custom]


def _readable(name: str, component: str, blueprint_name: str) -> str:
    """`fraud-detection-data-raw` -> `raw`: the cluster already says whose it is."""
    for prefix in (f"{component}-", f"{blueprint_name}-"):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def _identifier(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# -- output formats -----------------------------------------------------------------------


class Format(StrEnum):
    svg = "svg"
    d2 = "d2"
    mermaid = "mermaid"


SUFFIXES = {".svg": Format.svg, ".d2": Format.d2, ".mmd": Format.mermaid,
            ".mermaid": Format.mermaid}  # fmt: skip


def output_format(format: str | None, output: Path | None) -> Format:
    """The format asked for, else the one `output`'s suffix names, else SVG (which needs a
    file: an SVG on a terminal helps nobody)."""
    choices = ", ".join(Format)
    if format is not None:
        try:
            chosen = Format(format)
        except ValueError:
            raise OpsblocksError(
                f"--format: {format!r} is not a diagram format (choose: {choices})"
            ) from None
    elif output is not None:
        suffix = output.suffix.lower()
        if suffix not in SUFFIXES:
            names = ", ".join(SUFFIXES)
            raise OpsblocksError(
                f"-o {output}: cannot tell the format from {suffix or 'no suffix'!r} "
                f"(name the file {names}, or give --format {choices})"
            )
        chosen = SUFFIXES[suffix]
    else:
        chosen = Format.svg
    if chosen is Format.svg and output is None:
        raise OpsblocksError("an SVG diagram needs a file: give -o FILE.svg "
                             "(or --format d2 or mermaid for text on stdout)")  # fmt: skip
    return chosen


def _d2_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


D2_CLASSES = """\
classes: {
  cluster: {style: {font-size: 22; bold: true}}
  resource: {width: %d}
  more: {shape: text; style: {italic: true; font-size: 16}}
  drives: {style.stroke-dash: 5}
}"""
RESOURCE_WIDTH = 290
"""Width of a resource box; wider when a label needs it (Azure's types are long)."""
CHARACTER_WIDTH = 7.6
"""Pixels per character of a bold resource label in D2's default font, measured."""


def _resource_width(diagram: Diagram) -> int:
    longest = max((len(text) for c in diagram.clusters for n in c.nodes
                   for text in (n.name, n.type)), default=0)  # fmt: skip
    return max(RESOURCE_WIDTH, round(longest * CHARACTER_WIDTH) + 40)


GRID_COLUMNS = 2
"""Resources sit in a grid of this many columns inside a cluster: the clusters chain from top
to bottom, so two columns keep the picture about as wide as it is tall."""


def to_d2(diagram: Diagram) -> str:
    """D2 source: clusters chained top to bottom, each a grid of its resources."""
    lines = [
        f"# {diagram.title}: generated by `opsblocks diagram`",
        "direction: down",
        "",
        D2_CLASSES % _resource_width(diagram),
        "",
        f"heading: {_d2_string(diagram.title)} {{",
        "  shape: text",
        "  near: top-center",
        "  style: {font-size: 28; bold: true}",
        "}",
    ]
    for cluster in diagram.clusters:
        cells = len(cluster.nodes) + bool(cluster.more)
        columns = max(1, min(GRID_COLUMNS, cells))
        lines += [
            "",
            f"{cluster.id}: {_d2_string(cluster.title)} {{",
            "  class: cluster",
            # rows and columns both set: D2 then fills the grid row by row, in our order
            f"  grid-rows: {max(1, -(-cells // columns))}",
            f"  grid-columns: {columns}",
            "  grid-gap: 20",
        ]
        if cluster.id == FOUNDATION:
            lines.append("  style.stroke-dash: 4  # shared by every capability")
        for node in cluster.nodes:
            label = f"{node.name}\n{node.type}"
            lines.append(f"  {node.id}: {_d2_string(label)} {{class: resource}}")
        if cluster.more:
            more = f"+{cluster.more} more"
            lines.append(f"  {cluster.id}_more: {_d2_string(more)} {{class: more}}")
        lines.append("}")
    if diagram.arrows:
        lines.append("")
    for arrow in diagram.arrows:
        style = " {class: drives}" if arrow.drives else ""
        lines.append(f"{arrow.source} -> {arrow.target}: {_d2_string(arrow.label)}{style}")
    return "\n".join(lines) + "\n"


def _mermaid_string(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def to_mermaid(diagram: Diagram) -> str:
    """A Mermaid flowchart with a subgraph per cluster (GitHub renders it in Markdown)."""
    # Top down, like the D2 layout. Each subgraph says `direction TB` too: without it Mermaid
    # stacks a cluster's resources in a column (a diagram three times taller than wide); with
    # it they line up side by side.
    lines = ["flowchart TD", f"  %% {diagram.title}: generated by `opsblocks diagram`"]
    for cluster in diagram.clusters:
        lines.append(f"  subgraph {cluster.id}[{_mermaid_string(cluster.title)}]")
        lines.append("    direction TB")
        for node in cluster.nodes:
            label = f"{node.name}<br/>{node.type}"
            lines.append(f"    {node.id}[{_mermaid_string(label)}]")
        if cluster.more:
            more = f"+{cluster.more} more"
            lines.append(f"    {cluster.id}_more[{_mermaid_string(more)}]:::more")
        lines.append("  end")
    for arrow in diagram.arrows:
        link = "-.->" if arrow.drives else "-->"
        lines.append(f"  {arrow.source} {link}|{arrow.label}| {arrow.target}")
    lines.append("  classDef more fill:none,stroke:none,font-style:italic")
    return "\n".join(lines) + "\n"


TEXT_FORMATS = {Format.d2: to_d2, Format.mermaid: to_mermaid}
"""The formats that are text; SVG is rendered from the D2 text by `opsblocks.d2`."""
