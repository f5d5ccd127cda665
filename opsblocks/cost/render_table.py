"""The cost tables people read, Infracost-style: capability -> resource -> priced lines.

Every cell built from a name is a `Text`, so a `[` in a resource or line name is printed,
not taken for rich markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from opsblocks.cost.compare import Change, Comparison, ResourceLine, Status
from opsblocks.cost.model import Estimate, Kind, Line
from opsblocks.cost.render import (
    LEGEND,
    cost_cell,
    heading,
    money,
    ordered,
    quantity,
    resource_label,
    short_cost,
    summary,
)
from opsblocks.render import short_type

GAP = 2
SHARED = "in a platform-wide line of another resource"
MARKS = {
    Status.added: ("+", "green"),
    Status.removed: ("-", "red"),
    Status.changed: ("~", "yellow"),
}


@dataclass(frozen=True)
class _Row:
    name: Text
    cells: tuple[str, ...] | None = None
    """The numbers on the right; None for a title that runs across the whole width."""
    across: bool = False
    """One cell that runs across the whole block of numbers ("depends on usage: ...")."""


class _Breakdown:
    """Names on the left, a block of right-aligned numbers on the right, Infracost's layout.

    rich's Table has no column spans, and two kinds of row need one: a resource label runs
    across the whole width, "depends on usage: $P per UNIT" across the block of numbers. So
    each row is a grid of its own, with column widths shared by all rows; names get the rest.
    """

    def __init__(self, rows: list[_Row], *, left: int | None = None) -> None:
        self.rows = rows
        self.left = left
        """The index of the one left-aligned number column (the unit), if any."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = [r.cells for r in self.rows if r.cells and not r.across]
        widths = [max(cell_len(cells[i]) for cells in table) for i in range(len(table[0]))]
        block = sum(widths) + GAP * (len(widths) - 1)
        names = max(cell_len(r.name.plain) for r in self.rows if r.cells)
        titles = max(cell_len(r.name.plain) for r in self.rows if not r.cells)
        width = min(options.max_width, max(names + GAP + block, titles))
        for row in self.rows:
            if row.cells is None:
                yield row.name
                continue
            spans = [cell_len(row.cells[0])] if row.across else widths
            if width - sum(spans) - GAP * len(spans) < 12:  # the note wraps, not the name
                spans = [block]
            grid = Table.grid()
            grid.add_column(width=max(width - sum(spans) - GAP * len(spans), 1), overflow="fold")
            for i, span in enumerate(spans):
                # Each cell carries its own left gap: padding would shorten fixed-width columns.
                grid.add_column(
                    width=span + GAP,
                    no_wrap=not row.across,
                    justify="left" if i == self.left and not row.across else "right",
                )
            grid.add_row(row.name, *(Text(" " * GAP + cell) for cell in row.cells))
            yield grid


def _line(branch: str, line: Line) -> _Row:
    """A cost is followed by its usage `*` or by two spaces, so all costs line up."""
    cost = cost_cell(line) + ("" if line.kind is Kind.usage else "  ")
    name = Text(f" {branch} {line.name}")
    if line.quantity is None:
        return _Row(name, (cost,), across=True)
    return _Row(name, (quantity(line.quantity), line.unit, cost))


def table(estimate: Estimate) -> Group:
    """Header, the breakdown with a subtotal per capability and the total, legend, summary."""
    rows = [_Row(Text("Name", "bold"), ("Monthly qty", "Unit", "Monthly cost"))]
    for capability, resources in ordered(estimate).items():
        rows.append(_Row(Text(capability, "bold magenta")))
        for resource in resources:
            rows.append(_Row(Text(f" {resource_label(resource)}", "cyan")))
            if not resource.lines:
                rows.append(_Row(Text(f" └─ {SHARED}", "dim")))
            rows += [
                _line("└─" if i == len(resource.lines) - 1 else "├─", line)
                for i, line in enumerate(resource.lines)
            ]
        subtotal = sum((r.monthly_cost for r in resources), Decimal(0))
        rows += [
            _Row(Text(f" {capability} subtotal", "dim"), ("", "", f"{money(subtotal)}  ")),
            _Row(Text("")),
        ]
    rows.append(_Row(Text("OVERALL TOTAL", "bold"), ("", "", f"{money(estimate.monthly_cost)}  ")))
    return Group(
        Text(heading(estimate), "bold"),
        "",
        _Breakdown(rows, left=1),
        "",
        *(Text(mark, "dim") for mark in LEGEND),
        Text(summary(estimate)),
    )


def _side(side: ResourceLine | None) -> str:
    return "" if side is None else short_cost(side.line)


def _changes(changes: tuple[Change, ...]) -> list[_Row]:
    """Per resource (+ all its changed lines added, - all removed, ~ otherwise), its lines."""
    rows = []
    for (type_, name), group in groupby(changes, key=lambda c: (c.key.type, c.key.name)):
        found = list(group)
        statuses = {c.status for c in found}
        mark, style = MARKS[statuses.pop() if len(statuses) == 1 else Status.changed]
        rows.append(_Row(Text(f"{mark} {short_type(type_)} {name}", style)))
        for change in found:
            mark, style = MARKS[change.status]
            rows.append(
                _Row(
                    Text(f"   {mark} {change.key.line}", style),
                    (_side(change.before), _side(change.after), money(change.delta, sign=True)),
                )
            )
    return rows


def comparison_table(comparison: Comparison) -> Group:
    """Lines added, removed and changed; the cost of each capability on both sides; the delta."""
    before, after = comparison.before, comparison.after
    rows = [
        _Row(Text("Resource / line", "bold"), ("From", "To", "Delta")),
        *(_changes(comparison.changes) or [_Row(Text(" no line changed", "dim"))]),
        _Row(Text("")),
        _Row(Text("By capability", "bold")),
    ]
    for capability, (old, new) in comparison.by_capability().items():
        rows.append(
            _Row(Text(f" {capability}"), (money(old), money(new), money(new - old, sign=True)))
        )
    totals = (
        money(before.monthly_cost),
        money(after.monthly_cost),
        money(comparison.delta, sign=True),
    )
    rows.append(_Row(Text("OVERALL TOTAL", "bold"), totals))
    counts = ", ".join(f"{comparison.count(s)} {s.value}" for s in Status)
    verdict = (
        f"Monthly cost from {before.blueprint} to {after.blueprint}: {totals[2]} "
        f"({totals[0]} → {totals[1]})"
    )
    return Group(
        Text(f"from {heading(before)}", "bold"),
        Text(f"  to {heading(after)}", "bold"),
        "",
        _Breakdown(rows),
        "",
        Text(verdict, "bold"),
        Text(f"Lines: {counts}"),
    )
