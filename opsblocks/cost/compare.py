"""Compare two estimates line by line: what is added, removed or changed, and the delta.

Two blueprints name their resources differently (every logical name starts with the blueprint
name), so a line is matched by (resource type, logical name without that prefix, line name).
The direction is always *from* `before` *to* `after`: every delta is after minus before.
The matching is pure functions; the comparison's JSON and Markdown follow them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from opsblocks.cost.model import Estimate, Line, ResourceCost
from opsblocks.cost.render import (
    as_dict,
    capability_rank,
    decimal,
    line_json,
    md,
    md_table,
    money,
    prices,
    short_cost,
)
from opsblocks.render import short_type


def logical_name(name: str, blueprint: str) -> str:
    """`fraud-detection-data-raw` of blueprint `fraud-detection` -> `data-raw`."""
    return "" if name == blueprint else name.removeprefix(f"{blueprint}-")


class Key(NamedTuple):
    type: str
    name: str
    """The logical name without the blueprint prefix."""
    line: str


class ResourceLine(NamedTuple):
    resource: ResourceCost
    line: Line


def lines(estimate: Estimate) -> dict[Key, list[ResourceLine]]:
    """Every line of `estimate` under its key; namesakes (rare) keep the estimate's order."""
    keyed: dict[Key, list[ResourceLine]] = defaultdict(list)
    for resource in estimate.resources:
        for line in resource.lines:
            key = Key(resource.type, logical_name(resource.name, estimate.blueprint), line.name)
            keyed[key].append(ResourceLine(resource, line))
    return keyed


class Status(StrEnum):
    added = "added"
    removed = "removed"
    changed = "changed"


@dataclass(frozen=True)
class Change:
    key: Key
    before: ResourceLine | None
    after: ResourceLine | None

    @property
    def status(self) -> Status:
        if self.before is None:
            return Status.added
        return Status.removed if self.after is None else Status.changed

    @property
    def capability(self) -> str:
        side = self.after or self.before
        assert side is not None
        return side.resource.capability

    @property
    def delta(self) -> Decimal:
        """After minus before; a cost that depends on usage counts as 0, as in the totals."""
        return _cost(self.after) - _cost(self.before)


def _cost(side: ResourceLine | None) -> Decimal:
    cost = None if side is None else side.line.monthly_cost
    return Decimal(0) if cost is None else cost


def changes(before: Estimate, after: Estimate) -> list[Change]:
    """Lines added, removed or changed from `before` to `after`, by capability then key."""
    old, new = lines(before), lines(after)
    found: list[Change] = []
    for key in old.keys() | new.keys():
        was, now = old.get(key, []), new.get(key, [])
        for i in range(max(len(was), len(now))):
            change = Change(key, was[i] if i < len(was) else None, now[i] if i < len(now) else None)
            if (
                change.before is None
                or change.after is None
                or change.before.line != change.after.line
            ):
                found.append(change)
    return sorted(found, key=lambda c: (capability_rank(c.capability), c.key))


@dataclass(frozen=True)
class Comparison:
    before: Estimate
    after: Estimate
    changes: tuple[Change, ...]

    @property
    def delta(self) -> Decimal:
        return self.after.monthly_cost - self.before.monthly_cost

    def by_capability(self) -> dict[str, tuple[Decimal, Decimal]]:
        """(before, after) monthly cost of every capability either estimate has, in order."""
        old, new = self.before.by_capability(), self.after.by_capability()
        return {
            capability: (old.get(capability, Decimal(0)), new.get(capability, Decimal(0)))
            for capability in sorted(old.keys() | new.keys(), key=capability_rank)
        }

    def count(self, status: Status) -> int:
        return sum(change.status is status for change in self.changes)


def compare(before: Estimate, after: Estimate) -> Comparison:
    return Comparison(before, after, tuple(changes(before, after)))


# -- JSON and Markdown ----------------------------------------------------------------------


def _side(side: ResourceLine | None) -> dict[str, Any] | None:
    return None if side is None else line_json(*side)


def _change(change: Change) -> dict[str, Any]:
    return {
        "status": change.status.value,
        "type": change.key.type,
        "name": change.key.name,
        "line": change.key.line,
        "capability": change.capability,
        "delta": decimal(change.delta),
        "before": _side(change.before),
        "after": _side(change.after),
    }


def as_json(comparison: Comparison) -> str:
    document = {
        "from": as_dict(comparison.before),
        "to": as_dict(comparison.after),
        "delta": {
            "monthly_cost": decimal(comparison.delta),
            "by_capability": {
                cap: decimal(new - old) for cap, (old, new) in comparison.by_capability().items()
            },
        },
        "changes": [_change(c) for c in comparison.changes],
    }
    return json.dumps(document, indent=2)


def _md_change(change: Change) -> list[str]:
    old, new = ("" if s is None else md(short_cost(s.line)) for s in (change.before, change.after))
    return [
        change.status.value,
        f"`{short_type(change.key.type)}` {md(change.key.name)}",
        md(change.key.line),
        old,
        new,
        money(change.delta, sign=True),
    ]


def markdown(comparison: Comparison) -> str:
    before, after = comparison.before, comparison.after
    rows = [
        [cap, money(old), money(new), money(new - old, sign=True)]
        for cap, (old, new) in comparison.by_capability().items()
    ]
    totals = [
        money(before.monthly_cost),
        money(after.monthly_cost),
        money(comparison.delta, sign=True),
    ]
    counts = ", ".join(f"{comparison.count(s)} {s.value}" for s in Status)
    return "\n".join(
        [
            f"### Monthly cost from `{before.blueprint}` to `{after.blueprint}`: "
            f"{money(comparison.delta, sign=True)}",
            "",
            f"From `{before.blueprint}` ({prices(before)}) "
            f"to `{after.blueprint}` ({prices(after)}). Lines: {counts}.",
            "",
            *md_table(
                ["capability", "from", "to", "delta"],
                "lrrr",
                [*rows, [f"**{c}**" for c in ["total", *totals]]],
            ),
            "",
            *(_md_changes(comparison.changes) if comparison.changes else ["No line changed."]),
        ]
    )


def _md_changes(changes: tuple[Change, ...]) -> list[str]:
    return [
        "<details><summary>Changed lines</summary>",
        "",
        *md_table(
            ["change", "resource", "line", "from", "to", "delta"],
            "lllrrr",
            [_md_change(c) for c in changes],
        ),
        "",
        "</details>",
    ]
