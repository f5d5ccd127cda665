"""YAML parsing that remembers where each value stands, for errors that name file:line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from opsblocks.errors import BlueprintError, Location


@dataclass(frozen=True)
class Source:
    file: Path
    tree: Any
    """The round-trip tree, which knows the line of every key and item."""
    data: Any
    """The same values as plain dicts, lists and scalars."""

    def location(self, path: tuple[str | int, ...]) -> Location:
        """The line of the deepest node on `path` that exists in the file."""
        node, line = self.tree, 1
        if isinstance(node, CommentedMap | CommentedSeq):
            line = node.lc.line + 1
        for part in path:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        return Location(self.file, line)


MAX_BYTES = 16 * 1024
"""A blueprint is two or three kilobytes. YAML is parsed in pure Python, about 15 µs a byte and
up to ten times that for dense flow collections (`[[1], [1], ...]`): this keeps the slowest
file under a second (`make bench` measures it)."""
MAX_DEPTH = 32
"""Levels of nesting; a blueprint uses five or six (hyperparameters may nest a little more)."""
MAX_VALUES = 20_000
"""Values once every alias is expanded; a shipped blueprint has about 100, a price book 2,000."""


def parse(file: Path, max_bytes: int = MAX_BYTES) -> Source:
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise BlueprintError(
                f"too large: {size:,} bytes (at most {max_bytes:,})", location=Location(file)
            )
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BlueprintError("no such file", location=Location(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BlueprintError(f"cannot read: {exc}", location=Location(file)) from None
    return parse_text(text, file, max_bytes)


def parse_text(text: str, file: Path, max_bytes: int = MAX_BYTES) -> Source:
    guard_text(text, file, max_bytes)
    try:
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise BlueprintError(f"invalid YAML: {problem}", location=Location(file, line)) from None
    except YAMLError as exc:
        raise BlueprintError(f"invalid YAML: {exc}", location=Location(file)) from None
    except RecursionError:
        raise BlueprintError(_too_deep(), location=Location(file)) from None
    guard_tree(tree, file)
    return Source(file=file, tree=tree, data=_plain(tree))


# YAML that would take minutes or gigabytes to load is refused before it is expanded: too
# large, nested too deeply, or anchors whose aliases expand exponentially ("billion laughs").
# A YAML loader shares an aliased value instead of copying it, so loading is quick; whatever
# walks the result afterwards (a copy, pydantic) would expand it.

_FLOW_BRACKETS = re.compile(r"[^\[\]{}]+")


def guard_text(text: str, file: Path, max_bytes: int = MAX_BYTES) -> None:
    """What must be refused before the YAML parser sees the text: size, and flow collections
    (`[[[[...`) nested deeper than MAX_DEPTH, for which the parser's look-ahead takes seconds.
    Counts brackets in strings and comments too: that matters only at a depth no file has."""
    if len(text.encode("utf-8")) > max_bytes:
        raise BlueprintError(
            f"too large: {len(text):,} characters (at most {max_bytes:,} bytes)",
            location=Location(file),
        )
    depth = 0
    for seen, bracket in enumerate(_FLOW_BRACKETS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            at = [m.start() for m in re.finditer(r"[\[\]{}]", text)][seen]
            raise BlueprintError(_too_deep(), location=Location(file, text.count("\n", 0, at) + 1))
        depth = max(depth, 0)


def guard_tree(tree: Any, file: Path) -> None:
    """Refuse a loaded document that nests deeper than MAX_DEPTH or expands, through aliases,
    to more than MAX_VALUES values; stops counting at the limit (linear up to it)."""
    counted = 0

    def walk(node: Any, depth: int, line: int | None) -> None:
        nonlocal counted
        counted += 1
        if counted > MAX_VALUES:
            raise BlueprintError(
                f"expands to more than {MAX_VALUES:,} values (anchors and aliases that expand "
                "exponentially?)",
                location=Location(file, line),
            )
        if not isinstance(node, dict | list):
            return
        if isinstance(node, CommentedMap | CommentedSeq):
            line = node.lc.line + 1
        if depth >= MAX_DEPTH:
            raise BlueprintError(_too_deep(), location=Location(file, line))
        for child in node.values() if isinstance(node, dict) else node:
            walk(child, depth + 1, line)

    walk(tree, 0, None)


def _too_deep() -> str:
    return f"nested more than {MAX_DEPTH} levels deep"


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    for kind in (int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node
