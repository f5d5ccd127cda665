"""The one error hierarchy of the engine. The CLI turns these into one-line messages, exit 1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class OpsblocksError(Exception):
    """Bad input or an environment problem the user can fix; never a bug."""


@dataclass(frozen=True)
class Location:
    """Where in a file a value stands (line is 1-based)."""

    file: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


class BlueprintError(OpsblocksError):
    """A blueprint that cannot be loaded: names the field, the file:line and what is allowed."""

    def __init__(self, message: str, *, field: str = "", location: Location | None = None):
        self.message = message
        self.field = field
        self.location = location
        where = f"{location}: " if location else ""
        what = f"{field}: " if field else ""
        super().__init__(f"{where}{what}{message}")


class ConfigError(OpsblocksError):
    """A stack configuration that does not name a usable blueprint."""


class CostError(OpsblocksError):
    """A price book that cannot be used, or a blueprint it cannot price: names the field,
    the file:line where there is one, and what would fix it."""

    def __init__(self, message: str, *, field: str = "", location: Location | None = None):
        self.message = message
        self.field = field
        self.location = location
        where = f"{location}: " if location else ""
        what = f"{field}: " if field else ""
        super().__init__(f"{where}{what}{message}")
