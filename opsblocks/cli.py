"""The `opsblocks` command. Commands are thin: they call the engine and print.

Bad input raises OpsblocksError in the engine; `main` turns it into one line on stderr and
exit code 1. Data goes to stdout, messages to stderr.
"""

from __future__ import annotations

import gc
import json
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from opsblocks import __version__, blueprint, catalog, render, stacks
from opsblocks.blueprint import Blueprint
from opsblocks.commands.diagram import diagram_command
from opsblocks.commands.new import new_command
from opsblocks.console import err, fail, out
from opsblocks.cost import compare as cost_compare
from opsblocks.cost import render as cost_render
from opsblocks.cost import render_table as cost_table
from opsblocks.cost.book import load_book
from opsblocks.cost.estimate import estimate as estimate_cost
from opsblocks.cost.model import Estimate
from opsblocks.errors import OpsblocksError
from opsblocks.model import Capability, Cloud
from opsblocks.preview import Graph
from opsblocks.schema import blueprint_schema_text


class TableFormat(StrEnum):
    table = "table"
    json = "json"


class PreviewFormat(StrEnum):
    tree = "tree"
    json = "json"


class CostFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


app = typer.Typer(
    name="opsblocks",
    help="MLOps platforms on AWS, Azure and GCP from a short YAML blueprint, via Pulumi.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"opsblocks {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Generate, check, preview and deploy MLOps platform blueprints."""


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Blueprint files to check.", show_default=False)
    ],
) -> None:
    """Check blueprints: schema, tools of the cloud, options, cloud naming limits."""
    failed = False
    for file in files:
        try:
            bp = blueprint.load(file)
        except OpsblocksError as exc:
            err.print(f"[red]✗[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            failed = True
            continue
        tools = ", ".join(f"{c.value}={s.tool}" for c, s in bp.tools().items())
        out.print(f"[green]✓[/] {escape(str(file))}: {bp.name} on {bp.cloud.value} {bp.region} "
                  f"({bp.environment.value}): {tools}", highlight=False)  # fmt: skip
    if failed:
        raise typer.Exit(1)


@app.command()
def tools(
    cloud: Annotated[Cloud | None, typer.Option(help="Only this cloud.")] = None,
    capability: Annotated[Capability | None, typer.Option(help="Only this capability.")] = None,
    format: Annotated[
        TableFormat, typer.Option("--format", help="Output format.")
    ] = TableFormat.table,
) -> None:
    """List the tools each cloud offers for each capability."""
    found = catalog.tools(cloud, capability)
    if format is TableFormat.json:
        rows = [{"cloud": t.cloud.value, "capability": t.capability.value, "tool": t.name,
                 "description": t.description} for t in found]  # fmt: skip
        out.print_json(json.dumps(rows))
        return
    table = Table("cloud", "capability", "tool", "description", show_edge=False)
    for t in found:
        table.add_row(t.cloud.value, t.capability.value, t.name, t.description)
    out.print(table)


@app.command()
def preview(
    file: Annotated[
        Path | None, typer.Argument(help="Blueprint file (or use --stack).", show_default=False)
    ] = None,
    stack: Annotated[
        str | None, typer.Option(help="Preview the blueprint named by stacks/Pulumi.<STACK>.yaml.")
    ] = None,
    format: Annotated[
        PreviewFormat, typer.Option("--format", help="tree for people, json for machines.")
    ] = PreviewFormat.tree,
) -> None:
    """Show every resource `pulumi up` would create, offline, without a cloud account, and
    what it costs a month."""
    try:
        bp = _blueprint(file, stack)
        graph = _record(bp)
    except OpsblocksError as exc:
        raise fail(exc) from None
    for warning in graph.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    estimate = _preview_cost(bp, graph)
    if format is PreviewFormat.json:
        document = json.loads(render.as_json(bp, graph))
        document["cost"] = None if estimate is None else cost_render.as_dict(estimate)
        print(json.dumps(document, indent=2))
        return
    out.print(render.tree(bp, graph))
    if estimate is not None:
        out.print()
        out.print(cost_table.table(estimate))


@app.command()
def cost(
    file: Annotated[
        Path | None, typer.Argument(help="Blueprint file (or use --stack).", show_default=False)
    ] = None,
    stack: Annotated[
        str | None, typer.Option(help="Price the blueprint named by stacks/Pulumi.<STACK>.yaml.")
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(metavar="OTHER", help="Also price OTHER and show the change from FILE to "
                     "OTHER: lines added, removed, changed; delta = OTHER - FILE."),
    ] = None,
    price_region: Annotated[
        str | None,
        typer.Option(help="Use this region's prices (default: the blueprint's region)."),
    ] = None,
    prices: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="A price book YAML laid over the shipped one "
                     "(negotiated rates, more regions)."),
    ] = None,
    max_monthly_cost: Annotated[
        float | None,
        typer.Option(min=0, metavar="USD", help="Exit 2 when the monthly total (of OTHER with "
                     "--compare) exceeds this budget."),
    ] = None,
    format: Annotated[
        CostFormat, typer.Option("--format", help="table for people, json for machines, "
                                 "markdown for a pull-request comment.")
    ] = CostFormat.table,
) -> None:  # fmt: skip
    """Estimate the monthly cost of a blueprint from list prices, offline."""
    try:
        estimate = _estimate(_blueprint(file, stack), prices, price_region)
        other = None if compare is None else _estimate(blueprint.load(compare), prices,
                                                       price_region)  # fmt: skip
    except OpsblocksError as exc:
        raise fail(exc) from None
    _show_cost(estimate, other, format)
    total = (other or estimate).monthly_cost
    if max_monthly_cost is not None and total > (budget := Decimal(str(max_monthly_cost))):
        err.print(f"monthly cost {cost_render.money(total)} exceeds the budget "
                  f"{cost_render.money(budget)}", highlight=False)  # fmt: skip
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the blueprint's JSON Schema, for editors (e.g. > blueprint.schema.json)."""
    print(blueprint_schema_text(), end="")


app.command(name="diagram")(diagram_command)
app.command(name="new")(new_command)


def _blueprint(file: Path | None, stack: str | None) -> Blueprint:
    if (file is None) == (stack is None):
        raise OpsblocksError("give a blueprint file or --stack NAME (one of them)")
    if stack is not None:
        file = stacks.blueprint_of(stacks.project_root(), stack)
    assert file is not None
    return blueprint.load(file)


def _record(bp: Blueprint) -> Graph:
    from opsblocks import preview, program

    graph = preview.record(lambda: program.build(bp))
    # Everything allocated so far lives until the command exits: keep the garbage collector
    # from rescanning it on every later collection (pricing, rendering).
    gc.freeze()
    return graph


def _estimate(bp: Blueprint, prices: Path | None, price_region: str | None) -> Estimate:
    book = None if prices is None else load_book(bp.cloud.value, prices)
    return estimate_cost(bp, _record(bp), book=book, price_region=price_region)


def _preview_cost(bp: Blueprint, graph: Graph) -> Estimate | None:
    """The cost at the blueprint's own region; a preview still shows the resources when the
    price book cannot price them (the warning says why; `opsblocks cost` has the options)."""
    try:
        return estimate_cost(bp, graph)
    except OpsblocksError as exc:
        err.print(f"[yellow]warning:[/] no cost estimate: {escape(str(exc))}", highlight=False)
        return None


def _show_cost(estimate: Estimate, other: Estimate | None, format: CostFormat) -> None:
    """rich prints the tables; JSON and Markdown go out as they are (rich would read markup)."""
    json_out = format is CostFormat.json
    if format is CostFormat.table:
        out.print(
            cost_table.table(estimate)
            if other is None
            else cost_table.comparison_table(cost_compare.compare(estimate, other))
        )
    elif other is None:
        print(cost_render.as_json(estimate) if json_out else cost_render.markdown(estimate))
    else:
        comparison = cost_compare.compare(estimate, other)
        print(cost_compare.as_json(comparison) if json_out else cost_compare.markdown(comparison))
