"""`opsblocks new`: a blueprint from a wizard in the terminal, or from flags in scripts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.prompt import Prompt

from opsblocks import new
from opsblocks.console import err, fail
from opsblocks.errors import OpsblocksError
from opsblocks.model import Environment

T = TypeVar("T")

CLOUDS = [cloud.value for cloud in new.clouds()]
REGIONS = ", ".join(
    f"{setup.default_region} on {cloud}" for cloud, setup in new.CLOUD_SETUP.items()
)


def new_command(
    name: Annotated[
        str | None,
        typer.Argument(help="The blueprint's name. With it nothing is asked; without it a "
                       "wizard asks.", show_default=False),
    ] = None,
    cloud: Annotated[
        str | None, typer.Option(help=f"{', '.join(CLOUDS)} (default: {CLOUDS[0]}).")
    ] = None,
    region: Annotated[
        str | None, typer.Option(help=f"Default: the cloud's ({REGIONS}).")
    ] = None,
    environment: Annotated[
        str | None, typer.Option(help=f"{', '.join(Environment)} (default: dev).")
    ] = None,
    tool: Annotated[
        list[str] | None,
        typer.Option(metavar="CAP=TOOL", help="A capability's tool, or CAP=none to leave it "
                     "out (repeatable). Unnamed capabilities get the cloud's default tool; "
                     "those that need a capability left out are left out too."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="CAP.OPTION=VALUE", help="An option of a capability's "
                     "tool, as YAML: 2, ml.m5.large, \\[a, b] (repeatable). Other options take "
                     "their defaults; required ones (cicd.repository) must be given."),
    ] = None,
    stack: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Also write stacks/Pulumi.<NAME>.yaml naming the "
                     "blueprint and its region, for `pulumi up -s NAME`."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Folder of <name>.yaml (default: the project's "
                     "blueprints/)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")] = False,
) -> None:  # fmt: skip
    """Create a blueprint: a wizard in a terminal, or flags in scripts and CI.

    Without NAME a wizard asks for the cloud, name, region and environment, then in build
    order each capability's tool and its main options; flags given answer their questions.

    With NAME nothing is asked, as if Enter were pressed at every question: each capability
    gets the cloud's default tool and each option its default, unless --tool or --set say
    otherwise.

    The blueprint is validated before it is written, with every option written out and each
    capability commented with what its tool provisions. The files written go to stdout, the
    next commands to stderr.
    """
    try:
        if name is None and not stdin_is_terminal():
            raise OpsblocksError("no terminal to ask in: give the blueprint NAME and flags, "
                                 "e.g. `opsblocks new my-platform --tool cicd=none` (see "
                                 "`opsblocks new --help`)")  # fmt: skip
        flags = new.Flags.parse(name, cloud, region, environment, tool or (), set_ or ())
        where = new.target(output, stack, force)
        asker = Wizard() if name is None else new.Defaults(_note)
        answers = new.interview(flags, asker, where)
        written = new.create(answers, where)
    except OpsblocksError as exc:
        raise fail(exc) from None
    for path in written:
        print(new.display(path))
    err.print("next:", highlight=False)
    tools = [tool.name for tool in answers.tools.values()]
    for step in new.next_steps(written[0], stack, answers.cloud, tools):
        err.print(f"  {escape(step)}", highlight=False)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _note(message: str) -> None:
    err.print(f"note: {escape(message)}", highlight=False)


class Wizard:
    """Asks in the terminal, on stderr (stdout is for data); a refused answer is asked again
    with the reason."""

    interactive = True

    def ask(self, question: new.Question[T]) -> T:
        if question.choices:
            err.print()
            width = max(len(answer) for answer, _ in question.choices)
            for answer, meaning in question.choices:
                err.print(f"  [bold]{escape(answer.ljust(width))}[/]  {escape(meaning)}",
                          highlight=False)  # fmt: skip
        elif question.help:
            err.print(f"  [dim]{escape(question.help)}[/]", highlight=False)
        while True:
            text = self._prompt(question)
            try:
                if text == "" and question.default is None:
                    raise new.AnswerError("an answer is required")
                return question.check(text)
            except new.AnswerError as exc:
                err.print(f"[red]✗[/] {escape(str(exc))}", highlight=False)

    def tell(self, message: str) -> None:
        err.print(f"[yellow]{escape(message)}[/]", highlight=False)

    @staticmethod
    def _prompt(question: new.Question[T]) -> str:
        """rich's prompt writes to the console given, stderr, and leaves stdout to the data."""
        prompt = escape(question.prompt)
        if question.default == "":
            prompt += " [dim](optional)[/]"
        try:
            if question.default:
                return Prompt.ask(prompt, console=err, default=question.default)
            return Prompt.ask(prompt, console=err)
        except EOFError:
            err.print()
            raise typer.Abort() from None
