"""`opsblocks cost`: the monthly cost of a blueprint, alone or compared with another one."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from opsblocks.commands.inputs import Target, record, target_of
from opsblocks.console import err, fail, out
from opsblocks.cost import compare as cost_compare
from opsblocks.cost import render as cost_render
from opsblocks.cost import render_table as cost_table
from opsblocks.cost.book import load_book
from opsblocks.cost.estimate import estimate as estimate_cost
from opsblocks.cost.model import Estimate
from opsblocks.errors import OpsblocksError


class CostFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def cost_command(
    file: Annotated[
        Path | None, typer.Argument(help="Blueprint file (or use --stack).", show_default=False)
    ] = None,
    stack: Annotated[
        str | None, typer.Option(help="Price the blueprint named by stacks/Pulumi.<STACK>.yaml.")
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(metavar="OTHER", help="Also price OTHER and show the change from FILE to "
                     "OTHER: lines added, removed, changed; delta = OTHER - FILE."),
    ] = None,
    price_region: Annotated[
        str | None,
        typer.Option(help="Use this region's prices (default: the blueprint's region)."),
    ] = None,
    prices: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="A price book YAML laid over the shipped one "
                     "(negotiated rates, more regions)."),
    ] = None,
    max_monthly_cost: Annotated[
        float | None,
        typer.Option(min=0, metavar="USD", help="Exit 2 when the monthly total (of OTHER with "
                     "--compare) exceeds this budget."),
    ] = None,
    format: Annotated[
        CostFormat, typer.Option("--format", help="table for people, json for machines, "
                                 "markdown for a pull-request comment.")
    ] = CostFormat.table,
) -> None:  # fmt: skip
    """Estimate the monthly cost of a blueprint from list prices, offline."""
    try:
        estimate = _estimate(target_of(file, stack), prices, price_region)
        other = None if compare is None else _estimate(target_of(compare, None), prices,
                                                       price_region)  # fmt: skip
    except OpsblocksError as exc:
        raise fail(exc) from None
    _show_cost(estimate, other, format)
    total = (other or estimate).monthly_cost
    if max_monthly_cost is not None and total > (budget := Decimal(str(max_monthly_cost))):
        err.print(f"monthly cost {cost_render.money(total)} exceeds the budget "
                  f"{cost_render.money(budget)}", highlight=False)  # fmt: skip
        raise typer.Exit(2)


def _estimate(target: Target, prices: Path | None, price_region: str | None) -> Estimate:
    bp = target.blueprint
    book = None if prices is None else load_book(bp.cloud.value, prices)
    return estimate_cost(bp, record(target), book=book, price_region=price_region)


def _show_cost(estimate: Estimate, other: Estimate | None, format: CostFormat) -> None:
    """rich prints the tables; JSON and Markdown go out as they are (rich would read markup)."""
    json_out = format is CostFormat.json
    if format is CostFormat.table:
        out.print(
            cost_table.table(estimate)
            if other is None
            else cost_table.comparison_table(cost_compare.compare(estimate, other))
        )
    elif other is None:
        print(cost_render.as_json(estimate) if json_out else cost_render.markdown(estimate))
    else:
        comparison = cost_compare.compare(estimate, other)
        print(cost_compare.as_json(comparison) if json_out else cost_compare.markdown(comparison))
