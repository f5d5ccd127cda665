"""The CLI's two streams: data on stdout, messages on stderr; and the one way to fail."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console
from rich.markup import escape

from opsblocks.errors import OpsblocksError

# Piped into a file or a CI log there is no terminal width: rich would crop the resource tree
# at 80 columns, so use a wider page unless COLUMNS says otherwise.
PIPED_WIDTH = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 120
out = Console(soft_wrap=True, width=PIPED_WIDTH)
err = Console(stderr=True, soft_wrap=True)


def fail(exc: OpsblocksError) -> typer.Exit:
    """Bad input: one line on stderr and exit code 1 (raise the returned Exit).

    The message is printed as it is: it quotes user values (`[a, b]`, a tool named
    `[bold]x`) that rich would otherwise read as markup and drop."""
    err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return typer.Exit(1)
