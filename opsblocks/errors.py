"""The one error hierarchy of the engine. The CLI turns these into one-line messages, exit 1."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class OpsblocksError(Exception):
    """Bad input or an environment problem the user can fix; never a bug."""


@dataclass(frozen=True)
class Location:
    """Where in a file a value stands (line is 1-based)."""

    file: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


class FieldError(OpsblocksError):
    """Bad input in a file: `file:line: field.path: what is wrong (what is allowed)`."""

    def __init__(self, message: str, *, field: str = "", location: Location | None = None):
        self.message = message
        self.field = field
        self.location = location
        where = f"{location}: " if location else ""
        what = f"{field}: " if field else ""
        super().__init__(f"{where}{what}{message}")

    def counting(self, others: int) -> FieldError:
        """This error, saying how many more the file has (one line, the first error only)."""
        if others:
            self.args = (f"{self.args[0]} (+{others} more)",)
        return self


class BlueprintError(FieldError):
    """A blueprint that cannot be loaded: names the field, the file:line and what is allowed."""


class ConfigError(OpsblocksError):
    """A stack configuration that does not name a usable blueprint."""


class CostError(FieldError):
    """A price book that cannot be used, or a blueprint it cannot price: names the field,
    the file:line where there is one, and what would fix it."""


def value_message(error: Mapping[str, Any]) -> str:
    """A pydantic error's message without pydantic's prefix, naming the bad scalar value."""
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if (
        error["type"] != "value_error"
        and "input" in error
        and not isinstance(value, Mapping | list)
    ):
        message = f"{message} (got {value!r})"
    return message
