"""YAML parsing that remembers where each value stands, for errors that name file:line."""

from __future__ import annotations

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


def parse(file: Path) -> Source:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BlueprintError("no such file", location=Location(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BlueprintError(f"cannot read: {exc}", location=Location(file)) from None
    return parse_text(text, file)


def parse_text(text: str, file: Path) -> Source:
    try:
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise BlueprintError(f"invalid YAML: {problem}", location=Location(file, line)) from None
    except YAMLError as exc:
        raise BlueprintError(f"invalid YAML: {exc}", location=Location(file)) from None
    return Source(file=file, tree=tree, data=_plain(tree))


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
