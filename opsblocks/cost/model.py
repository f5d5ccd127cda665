"""The cost vocabulary: price-book entries, priced lines, and the estimate of a blueprint.

Money is `Decimal` throughout (never float), and a line without a usage assumption has no
quantity and no cost: it is shown as "depends on usage" and left out of every total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

HOURS_PER_MONTH = Decimal(730)


class Kind(StrEnum):
    hourly = "hourly"
    """Billed per hour while the resource exists: quantity = count x 730 h."""
    monthly = "monthly"
    """A fixed price per month (a key, an alarm, a dashboard)."""
    usage = "usage"
    """Billed per use (GB stored, build minutes, training hours): needs an assumption."""


class Classification(StrEnum):
    """What the price book says about a resource type."""

    priced = "priced"
    free = "free"
    usage = "usage"


@dataclass(frozen=True)
class Line:
    """One cost line of one resource, Infracost-style."""

    name: str
    """e.g. "Instance usage (ml.m5.large)"."""
    kind: Kind
    unit: str
    """Unit of `quantity` and `unit_price`: "hours", "months", "GB-months", "minutes"."""
    unit_price: Decimal
    quantity: Decimal | None
    """Per month; None when it depends on a usage assumption the blueprint does not make."""
    usage_key: str | None = None
    """The `usage:` field this line depends on, for usage lines."""
    estimate: bool = False
    """The price has no published source: shown as an estimate."""

    @property
    def monthly_cost(self) -> Decimal | None:
        return None if self.quantity is None else self.quantity * self.unit_price


@dataclass(frozen=True)
class ResourceCost:
    urn: str
    type: str
    name: str
    capability: str
    lines: tuple[Line, ...]

    @property
    def monthly_cost(self) -> Decimal:
        return sum((c for line in self.lines if (c := line.monthly_cost) is not None), Decimal(0))


@dataclass(frozen=True)
class Estimate:
    blueprint: str
    cloud: str
    region: str
    """Where the prices come from (the blueprint's region or --price-region)."""
    prices_taken: str
    """Date the book's prices were taken."""
    resources: tuple[ResourceCost, ...]
    free: tuple[str, ...] = ()
    """URNs of resources that cost nothing by themselves."""
    unpriced: tuple[tuple[str, str], ...] = field(default=())
    """(urn, type) of resources the book does not price: never silently zero."""

    @property
    def monthly_cost(self) -> Decimal:
        return sum((r.monthly_cost for r in self.resources), Decimal(0))

    def by_capability(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for resource in self.resources:
            totals[resource.capability] = totals.get(resource.capability, Decimal(0)) + (
                resource.monthly_cost
            )
        return totals
