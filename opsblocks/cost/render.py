"""How an estimate is written for machines (JSON) and pull requests (Markdown).

JSON carries money and quantities as exact decimal strings ("167.90", never a float), so
totals add up to the cent; a quantity that depends on usage is null and has no cost.
The rich tables for people are in `render_table`, a comparison's JSON and Markdown in
`compare`; the wording all of them share is here.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from opsblocks.cost.estimate import CAPABILITY_ORDER
from opsblocks.cost.model import Estimate, Kind, Line, ResourceCost
from opsblocks.render import short_type

CENT = Decimal("0.01")
USAGE_MARK = "*"
ESTIMATE_MARK = "~"
LEGEND = (
    f"{USAGE_MARK} usage-based: the quantity comes from `usage:` in the blueprint",
    f"{ESTIMATE_MARK} estimated price: no published source",
)


# -- wording shared by every format ---------------------------------------------------------


def capability_rank(capability: str) -> tuple[int, str]:
    """Sort key: foundation first, then the build order, then anything else by name."""
    if capability in CAPABILITY_ORDER:
        return CAPABILITY_ORDER.index(capability), ""
    return len(CAPABILITY_ORDER), capability


def money(amount: Decimal, *, sign: bool = False) -> str:
    """`$1,234.57`; with `sign`, `+$3.00` / `-$3.00` for a delta."""
    rounded = amount.quantize(CENT, ROUND_HALF_UP)
    prefix = "-" if rounded < 0 else "+" if sign and rounded > 0 else ""
    return f"{prefix}${abs(rounded):,}"


def _places(amount: Decimal) -> int:
    """Digits after the point, once trailing zeros are dropped."""
    exponent = amount.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def _at_least_cents(amount: Decimal) -> Decimal:
    return amount.normalize() if _places(amount) > 2 else amount.quantize(CENT)


def price(amount: Decimal) -> str:
    """A unit price keeps its digits: `$0.023`, `$0.0000166667`, `$1.00`."""
    return f"${_at_least_cents(amount):,f}"


def quantity(amount: Decimal) -> str:
    """`1,460`, `0.5`, `33.3333` (at most four decimals)."""
    if _places(amount) > 4:
        amount = amount.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    text = f"{amount:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def singular(unit: str) -> str:
    """`per GB-month`, not `per GB-months`; a counted unit stays: `per 1k requests`."""
    counted = unit[:1].isdigit()
    return unit[:-1] if unit.endswith("s") and not unit.endswith("ss") and not counted else unit


def cost_cell(line: Line) -> str:
    """`$167.90`, `~$12.00`, `$2.30 *` or `depends on usage: $0.023 per GB-month *`."""
    mark = ESTIMATE_MARK if line.estimate else ""
    star = f" {USAGE_MARK}" if line.kind is Kind.usage else ""
    cost = line.monthly_cost
    if cost is None:
        return f"depends on usage: {mark}{price(line.unit_price)} per {singular(line.unit)}{star}"
    return f"{mark}{money(cost)}{star}"


def short_cost(line: Line) -> str:
    """For narrow cells: `~$21.90`, or the unit price when the cost depends on usage:
    `$0.023/GB-month`."""
    mark = ESTIMATE_MARK if line.estimate else ""
    cost = line.monthly_cost
    if cost is None:
        return f"{mark}{price(line.unit_price)}/{singular(line.unit)}"
    return f"{mark}{money(cost)}"


def resource_label(resource: ResourceCost) -> str:
    return f"{short_type(resource.type)} {resource.name}"


def ordered(estimate: Estimate) -> dict[str, list[ResourceCost]]:
    """Resources by capability (foundation first, build order), by type and name within."""
    groups: dict[str, list[ResourceCost]] = {}
    for resource in sorted(
        estimate.resources,
        key=lambda r: (capability_rank(r.capability), short_type(r.type), r.name),
    ):
        groups.setdefault(resource.capability, []).append(resource)
    return groups


def subtotals(estimate: Estimate) -> dict[str, Decimal]:
    """Monthly cost of each capability, in order."""
    return {capability: sum((r.monthly_cost for r in resources), Decimal(0))
            for capability, resources in ordered(estimate).items()}  # fmt: skip


def summary(estimate: Estimate) -> str:
    """`109 resources: 30 priced, 70 free, 9 not priced (types: aws.glue.Crawler, ...)`."""
    priced, free, unpriced = len(estimate.resources), len(estimate.free), len(estimate.unpriced)
    text = (
        f"{priced + free + unpriced} resources: {priced} priced, {free} free, {unpriced} not priced"
    )
    if unpriced:
        text += f" (types: {', '.join(sorted({short_type(t) for _, t in estimate.unpriced}))})"
    return text


def prices(estimate: Estimate) -> str:
    return f"{estimate.cloud} {estimate.region} prices of {estimate.prices_taken}"


def heading(estimate: Estimate) -> str:
    return f"{estimate.blueprint} · {prices(estimate)}"


# -- JSON -----------------------------------------------------------------------------------


def decimal(amount: Decimal | None) -> str | None:
    """Exact, at least two decimals for money: `167.90`, `0.023`, `0.0000166667`."""
    return None if amount is None else f"{_at_least_cents(amount):f}"


def line_json(resource: ResourceCost, line: Line) -> dict[str, Any]:
    return {
        "resource": {
            "urn": resource.urn,
            "type": resource.type,
            "name": resource.name,
            "capability": resource.capability,
        },
        "name": line.name,
        "kind": line.kind.value,
        "unit": line.unit,
        "unit_price": decimal(line.unit_price),
        "quantity": None if line.quantity is None else f"{line.quantity.normalize():f}",
        "monthly_cost": decimal(line.monthly_cost),
        "usage_key": line.usage_key,
        "estimate": line.estimate,
    }


def as_dict(estimate: Estimate) -> dict[str, Any]:
    return {
        "blueprint": estimate.blueprint,
        "cloud": estimate.cloud,
        "price_region": estimate.region,
        "prices_taken": estimate.prices_taken,
        "currency": "USD",
        "lines": [
            line_json(r, line)
            for group in ordered(estimate).values()
            for r in group
            for line in r.lines
        ],
        "totals": {
            "by_capability": {cap: decimal(cost) for cap, cost in subtotals(estimate).items()},
            "monthly_cost": decimal(estimate.monthly_cost),
        },
        "summary": {
            "resources": len(estimate.resources) + len(estimate.free) + len(estimate.unpriced),
            "priced": len(estimate.resources),
            "free": len(estimate.free),
            "unpriced": len(estimate.unpriced),
            "unpriced_types": sorted({t for _, t in estimate.unpriced}),
        },
    }


def as_json(estimate: Estimate) -> str:
    return json.dumps(as_dict(estimate), indent=2)


# -- Markdown (a pull-request comment) ------------------------------------------------------


def md(text: str) -> str:
    """Cell text that GitHub shows as typed: `*`, `~` and `|` are escaped."""
    for char in "\\|*~_":
        text = text.replace(char, f"\\{char}")
    return text


def md_table(header: list[str], align: str, rows: list[list[str]]) -> list[str]:
    rule = ["---:" if a == "r" else "---" for a in align]
    return [f"| {' | '.join(cells)} |" for cells in (header, rule, *rows)]


def _md_lines(estimate: Estimate) -> list[str]:
    rows = [
        [
            cap,
            f"`{short_type(r.type)}` {md(r.name)}",
            md(line.name),
            "" if line.quantity is None else quantity(line.quantity),
            "" if line.quantity is None else md(line.unit),
            md(cost_cell(line)),
        ]
        for cap, group in ordered(estimate).items()
        for r in group
        for line in r.lines
    ]
    return [
        "<details><summary>Resource lines</summary>",
        "",
        *md_table(
            ["capability", "resource", "line", "monthly qty", "unit", "monthly cost"],
            "lllrlr",
            rows,
        ),
        "",
        "<br>".join(md(mark) for mark in LEGEND),
        "",
        "</details>",
    ]


def markdown(estimate: Estimate) -> str:
    total = money(estimate.monthly_cost)
    rows = [[capability, money(cost)] for capability, cost in subtotals(estimate).items()]
    return "\n".join(
        [
            f"### Monthly cost of `{estimate.blueprint}`: {total}",
            "",
            f"{md(heading(estimate))}. {md(summary(estimate))}.",
            "",
            *md_table(["capability", "monthly cost"], "lr", [*rows, ["**total**", f"**{total}**"]]),
            "",
            *_md_lines(estimate),
        ]
    )
