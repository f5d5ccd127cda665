"""One price-book file: its pydantic models, and a reader whose every error names the field
and the file:line (a CostError). `book` lays the files over one another into a PriceBook.

The fast safe loader reads the file; only an error pays for the round-trip parse, which
knows the line of every value but is several times slower.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from opsblocks.cost.model import Classification
from opsblocks.errors import BlueprintError, CostError, value_message
from opsblocks.model import Cloud, Strict
from opsblocks.yamlsource import Source, guard_text, guard_tree, parse


def _money(value: Any) -> Any:
    """Numbers as exact decimals: 0.115 stays 0.115 (via its shortest repr, never binary)."""
    if isinstance(value, bool):
        raise ValueError(f"a price is a number of USD (got {value!r})")
    if isinstance(value, float | int | str):
        try:
            return Decimal(repr(value) if isinstance(value, float) else str(value))
        except InvalidOperation:
            raise ValueError(f"a price is a number of USD (got {value!r})") from None
    return value


Money = Annotated[Decimal, BeforeValidator(_money), Field(ge=0, allow_inf_nan=False)]
Unit = Literal["hours", "days", "months", "GB-months", "GB", "minutes", "DPU-hours", "GB-hours",
               "runs", "rotations", "10K operations"]  # fmt: skip


class PriceEntry(Strict):
    """One price: a bare number, or a mapping that overrides the SKU's source, date, flag."""

    usd: Money
    estimate: bool | None = None
    source: str | None = Field(None, min_length=1)
    taken: date | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, value: Any) -> Any:
        return value if isinstance(value, Mapping) else {"usd": value}


class Sku(Strict):
    """What the cloud bills for one family, by attribute (instance type, ...) and region."""

    description: str = ""
    unit: Unit
    taken: date
    source: str | None = Field(None, min_length=1)
    """Where the prices come from; without one, every price must be an estimate."""
    estimate: bool = False
    """Default flag of the SKU's prices."""
    note: str | None = None
    prices: dict[str, dict[str, PriceEntry]] = Field(min_length=1)


class ResourceType(Strict):
    classification: Classification = Field(alias="class")
    why: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _free_says_why(self) -> ResourceType:
        if self.classification is Classification.free and not self.why:
            raise ValueError("a free type says why it is free (why: ...)")
        return self


class BookFile(Strict):
    """One YAML file: the shipped book, or a user's file laid over it."""

    cloud: Cloud
    currency: Literal["USD"] = "USD"
    regions: list[str] = Field(default_factory=list)
    skus: dict[str, Sku] = Field(default_factory=dict)
    resources: dict[str, ResourceType] = Field(default_factory=dict)


MAX_BOOK_BYTES = 64 * 1024
"""The largest shipped price book is 16 KB; one of negotiated rates is usually smaller."""


def read(file: Path) -> BookFile:
    """The file, validated."""
    try:
        text = file.read_text(encoding="utf-8")
        guard_text(text, file, MAX_BOOK_BYTES)
        data = YAML(typ="safe", pure=True).load(text)
        guard_tree(data, file)
    except (OSError, UnicodeDecodeError, YAMLError, RecursionError, BlueprintError):
        data = _located(file).data  # raises the error with its file:line
    if not isinstance(data, Mapping):
        raise error_at(file, (), "a price book is a mapping with cloud, regions, skus, resources")
    try:
        return BookFile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise _describe(errors[0], file, data).counting(len(errors) - 1) from None


def _located(file: Path) -> Source:
    try:
        return parse(file, MAX_BOOK_BYTES)
    except BlueprintError as exc:  # yamlsource's error: missing file, unreadable, bad YAML
        raise CostError(exc.message, location=exc.location) from None


def error_at(file: Path, path: tuple[str, ...], message: str) -> CostError:
    return CostError(message, field=".".join(path), location=_located(file).location(path))


def _describe(error: Any, file: Path, data: Any) -> CostError:
    loc = tuple(str(part) for part in error["loc"])
    path = _yaml_path(loc, data)
    if error["type"] == "extra_forbidden":
        return error_at(file, path, f"unknown field (allowed: {', '.join(_fields(loc[:-1]))})")
    if error["type"] == "missing":
        return error_at(file, path, "required field is missing")
    return error_at(file, path, value_message(error))


def _yaml_path(loc: tuple[str, ...], data: Any) -> tuple[str, ...]:
    """The error's path as far as the file writes it, plus a missing key (a bare price is
    checked as the `usd` of a mapping the file does not write)."""
    path: list[str] = []
    for part in loc:
        if not isinstance(data, Mapping):
            break
        path.append(part)
        if part not in data:
            break
        data = data[part]
    return tuple(path)


def _fields(loc: tuple[str, ...]) -> list[str]:
    """The keys allowed in the mapping at `loc`, walking the models and their dict values."""
    node: Any = BookFile
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel):
            fields = node.model_fields.items()
            node = next(f.annotation for n, f in fields if (f.alias or n) == part)
        else:
            node = get_args(node)[-1]
    assert isinstance(node, type) and issubclass(node, BaseModel)
    return [f.alias or n for n, f in node.model_fields.items()]
