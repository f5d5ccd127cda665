"""`opsblocks diagram`: the platform's architecture as SVG, D2 or Mermaid."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from opsblocks import d2, diagram
from opsblocks.commands.inputs import record, target_of
from opsblocks.console import err, fail
from opsblocks.errors import OpsblocksError


def diagram_command(
    file: Annotated[
        Path | None, typer.Argument(help="Blueprint file (or use --stack).", show_default=False)
    ] = None,
    stack: Annotated[
        str | None, typer.Option(help="Draw the blueprint named by stacks/Pulumi.<STACK>.yaml.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here instead of stdout."),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option("--format", metavar="FORMAT", help="svg (needs -o), d2 or mermaid; "
                     "default: from the suffix of -o (.svg, .d2, .mmd), else svg."),
    ] = None,
) -> None:  # fmt: skip
    """Draw the platform: each capability with its main resources, and the flow of data and
    models between them."""
    try:
        chosen = diagram.output_format(format, output)
        target = target_of(file, stack)
        drawn = diagram.build(target.blueprint, record(target))
        if chosen is diagram.Format.svg:
            text = d2.render_svg(diagram.to_d2(drawn))
        else:
            text = diagram.TEXT_FORMATS[chosen](drawn)
        if output is None:
            print(text, end="")
            return
        _write(output, text)
    except OpsblocksError as exc:
        raise fail(exc) from None
    err.print(f"wrote {output}", highlight=False)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OpsblocksError(f"cannot write {path}: {exc.strerror or exc}") from None
