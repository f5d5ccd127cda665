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
from rich.console import Console
from rich.table import Table

from opsblocks import __version__, blueprint, catalog, render, stacks
from opsblocks.blueprint import Blueprint
from opsblocks.errors import OpsblocksError
from opsblocks.model import Capability, Cloud
from opsblocks.preview import Graph


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
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


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


def _fail(exc: OpsblocksError) -> typer.Exit:
    err.print(f"[red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(1)


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
            err.print(f"[red]✗[/] {exc}", highlight=False, soft_wrap=True)
            failed = True
            continue
        tools = ", ".join(f"{c.value}={s.tool}" for c, s in bp.tools().items())
        out.print(f"[green]✓[/] {file}: {bp.name} on {bp.cloud.value} {bp.region} "
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
    """Show every resource `pulumi up` would create, offline, without a cloud account."""
    try:
        bp = _blueprint(file, stack)
        graph = _record(bp)
    except OpsblocksError as exc:
        raise _fail(exc) from None
    for warning in graph.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if format is PreviewFormat.json:
        print(render.as_json(bp, graph))
    else:
        out.print(render.tree(bp, graph))


def _blueprint(file: Path | None, stack: str | None) -> Blueprint:
    if (file is None) == (stack is None):
        raise OpsblocksError("give a blueprint file or --stack NAME (one of them)")
    if stack is not None:
        file = stacks.blueprint_of(stacks.project_root(), stack)
    assert file is not None
    return blueprint.load(file)


def _record(bp: Blueprint) -> Graph:
    from opsblocks import preview, program

    return preview.record(lambda: program.build(bp))
