"""Answers as YAML text: what is typed becomes a typed value, a value becomes the text that
parses back to it, and the files are written with every value on its option's line."""

from __future__ import annotations

from collections.abc import Mapping
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter

from opsblocks.errors import BlueprintError
from opsblocks.new.asking import AnswerError
from opsblocks.yamlsource import parse_text


def parse_value(text: str) -> Any:
    """An answer as YAML: `5` is a number, `[a, b]` a list, `ml.m5.large` a string."""
    try:
        return parse_text(text, Path("value")).data
    except BlueprintError as exc:
        raise AnswerError(exc.message) from None


def as_text(value: Any) -> str:
    """The answer that parses back to `value` ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, str) and parse_value(value) == value:
        return value
    return dump(flow(value)).strip().removesuffix("...").strip()


def flow(value: Any) -> Any:
    """Nested values stay on their option's line: `hyperparameters: {max_depth: 5}`."""
    if isinstance(value, Mapping):
        mapping = CommentedMap({k: flow(v) for k, v in value.items()})
        mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list | tuple):
        sequence = CommentedSeq([flow(v) for v in value])
        sequence.fa.set_flow_style()
        return sequence
    return value


class _Representer(RoundTripRepresenter):
    """Writes an unset option as `null`, not as an empty value that looks forgotten."""


_Representer.add_representer(
    type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
)


def dump(document: Any) -> str:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.width = 4096  # long strings stay on one line
    stream = StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()
