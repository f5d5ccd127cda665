"""The `opsblocks` command. Commands are thin: they call the engine and print.

Bad input raises OpsblocksError in the engine; `main` turns it into one line on stderr and
exit code 1. Data goes to stdout, messages to stderr.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from opsblocks import __version__, blueprint, catalog, render
from opsblocks.blueprint import Blueprint
from opsblocks.commands.check import check_command, report_of, rules_command
from opsblocks.commands.cost import cost_command
from opsblocks.commands.diagram import diagram_command
from opsblocks.commands.inputs import record, target_of
from opsblocks.commands.new import new_command
from opsblocks.console import err, fail, out
from opsblocks.cost import render as cost_render
from opsblocks.cost import render_table as cost_table
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


app.command(name="new")(new_command)


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
        target = target_of(file, stack)
        bp, graph = target.blueprint, record(target)
    except OpsblocksError as exc:
        raise fail(exc) from None
    for warning in graph.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    estimate = _preview_cost(bp, graph)
    checked = report_of(bp, graph)
    if format is PreviewFormat.json:
        document = json.loads(render.as_json(bp, graph))
        document["cost"] = None if estimate is None else cost_render.as_dict(estimate)
        document["check"] = checked.summary()
        print(json.dumps(document, indent=2))
        return
    out.print(render.tree(bp, graph))
    if estimate is not None:
        out.print()
        out.print(cost_table.table(estimate))
    out.print()
    out.print(f"{escape(checked.summary())} [dim](opsblocks check: details, and the policy "
              "documents built from ids known only at up)[/]", highlight=False)  # fmt: skip


app.command(name="cost")(cost_command)
app.command(name="check")(check_command)
app.command(name="rules")(rules_command)


@app.command()
def schema() -> None:
    """Print the blueprint's JSON Schema, for editors (e.g. > blueprint.schema.json)."""
    print(blueprint_schema_text(), end="")


app.command(name="diagram")(diagram_command)


def _preview_cost(bp: Blueprint, graph: Graph) -> Estimate | None:
    """The cost at the blueprint's own region; a preview still shows the resources when the
    price book cannot price them (the warning says why; `opsblocks cost` has the options)."""
    try:
        return estimate_cost(bp, graph)
    except OpsblocksError as exc:
        err.print(f"[yellow]warning:[/] no cost estimate: {escape(str(exc))}", highlight=False)
        return None
