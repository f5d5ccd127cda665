"""Each rule's pass and fail fixtures: small graphs in `fixtures/<group>/<module>.yaml`.

    pass:                         # graphs the rule must not flag
      - environment: prod         # optional (default: from the tags, else dev)
        resources:
          - type: aws:s3/bucket:Bucket
            name: data
            inputs: {...}         # as the engine records them (camelCase)
            protect: true         # also: retain_on_delete, custom (false: a component),
                                  # parent, provider (names of other resources in the graph),
                                  # depends_on (names), ignore_changes
    fail:                         # graphs the rule must flag: exactly the names in `flagged`
      - flagged: [data]
        resources: [...]
        previous: [...]           # optional: the stack as deployed (`check --against`)

Unknown values (ids, ARNs) are written as "(known after up)", as the preview shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from opsblocks.check.graph import Node, Stack
from opsblocks.check.registry import module_of
from opsblocks.check.rule import Rule

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Case:
    stack: Stack
    flagged: frozenset[str]
    """Names the rule must flag (fail cases); empty for pass cases."""
    label: str


def fixture_file(rule: Rule) -> Path:
    return FIXTURES / f"{module_of(rule)}.yaml"


@cache
def cases(rule: Rule) -> tuple[tuple[Case, ...], tuple[Case, ...]]:
    """(pass cases, fail cases) of `rule`."""
    data = YAML(typ="safe").load(fixture_file(rule).read_text())
    passing = tuple(_case(c, f"pass[{i}]", False) for i, c in enumerate(data.get("pass") or []))
    failing = tuple(_case(c, f"fail[{i}]", True) for i, c in enumerate(data.get("fail") or []))
    return passing, failing


def _case(data: dict[str, Any], label: str, failing: bool) -> Case:
    flagged = frozenset(data.get("flagged") or ())
    if failing and not flagged:
        raise ValueError(f"{label}: a fail case names the resources the rule must flag")
    previous = _stack(data["previous"], None) if "previous" in data else None
    return Case(_stack(data["resources"], data.get("environment"), previous), flagged, label)


def _stack(
    entries: list[dict[str, Any]], environment: str | None, previous: Stack | None = None
) -> Stack:
    named: dict[str, list[str]] = {}
    for entry in entries:
        named.setdefault(entry["name"], []).append(_urn(entry))

    def ref(name: str, own: str) -> str:
        """The first other resource called `name` (a role and its policy may share a name)."""
        return next(urn for urn in named[name] if urn != own)

    nodes = []
    for e in entries:
        urn = _urn(e)
        nodes.append(
            Node(
                urn=urn,
                type=e["type"],
                name=e["name"],
                inputs=e.get("inputs") or {},
                parent=ref(e["parent"], urn) if e.get("parent") else None,
                custom=e.get("custom", True),
                protect=e.get("protect", False),
                retain_on_delete=e.get("retain_on_delete", False),
                ignore_changes=tuple(e.get("ignore_changes") or ()),
                provider=ref(e["provider"], urn) if e.get("provider") else None,
                dependencies=tuple(ref(d, urn) for d in e.get("depends_on") or ()),
            )
        )
    return Stack(tuple(nodes), environment, previous)


def _urn(entry: dict[str, Any]) -> str:
    return f"urn:pulumi:fixture::opsblocks::{entry['type']}::{entry['name']}"
