"""How a question is put and answered: a `Question`, the `AnswerError` that refuses an
answer, and the `Interviewer` that answers it (the wizard in a terminal, `Defaults` in flags
mode). Both check answers with the question's own check, so a person and a script are
refused the same things."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from opsblocks.errors import OpsblocksError


class AnswerError(OpsblocksError):
    """One refused answer: the wizard asks again, flags mode names the flag that gave it."""

    def on_flag(self, flag: str) -> OpsblocksError:
        return OpsblocksError(f"{flag}: {self}")


T = TypeVar("T")


@dataclass(frozen=True)
class Question(Generic[T]):
    prompt: str
    check: Callable[[str], T]
    """Turns the typed text into the answer; raises AnswerError saying why it is refused."""
    flag: str
    """How the command line gives the answer, up to the value: `--cloud `, `--tool data=`;
    without a trailing space or `=` (`NAME`), errors name the flag alone: the check's message
    quotes the value already."""
    default: str | None = None
    """What Enter answers: "" leaves an optional value unset; None: an answer is required."""
    choices: tuple[tuple[str, str], ...] = ()
    """(answer, what it means), to list before the prompt."""
    help: str = ""
    missing: str = "required"
    """Why flags mode cannot go on without this answer, and how to give it."""


class Interviewer(Protocol):
    interactive: bool
    """Whether `ask` can ask again when a combination of answers is refused."""

    def ask(self, question: Question[T]) -> T: ...

    def tell(self, message: str) -> None: ...


class Defaults:
    """Flags mode: a question no flag answers takes its default; without one it is an error."""

    interactive = False

    def __init__(self, tell: Callable[[str], None]) -> None:
        self.tell = tell

    def ask(self, question: Question[T]) -> T:
        if question.default is None:
            raise OpsblocksError(f"{question.flag.rstrip('= ')}: {question.missing}")
        return question.check(question.default)
