"""The estimator: a previewed resource graph + a price book + usage assumptions -> Estimate.

Each custom resource is looked up in the book by type: a `free` type is counted as free, a
`priced` or `usage` type goes to its cloud's pricer (`opsblocks.cost.<cloud>.PRICERS`), and a
type the book does not list is reported as unpriced, never as zero. Its capability is the one
of its top-level component: `<blueprint>` is the foundation, `<blueprint>-<capability>` the rest.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from opsblocks.blueprint import Blueprint, Usage
from opsblocks.cost.book import Price, PriceBook, load_book
from opsblocks.cost.model import Classification, Estimate, Kind, Line, ResourceCost
from opsblocks.errors import CostError
from opsblocks.model import Capability
from opsblocks.preview import Graph, Resource

FOUNDATION = "foundation"
OTHER = "other"
CAPABILITY_ORDER = (FOUNDATION, *(c.value for c in Capability), OTHER)


@dataclass(frozen=True)
class Context:
    """What a pricer may read besides the resource itself."""

    book: PriceBook
    region: str
    """Where the prices come from."""
    usage: Usage
    blueprint: Blueprint
    graph: Graph
    capabilities: Mapping[str, str]
    """URN -> capability of every resource."""

    def price(self, sku: str, attribute: str) -> Price:
        return self.book.price(sku, attribute, self.region)

    def line(
        self,
        name: str,
        kind: Kind,
        sku: str,
        attribute: str,
        quantity: Decimal | None,
        usage_key: str | None = None,
    ) -> Line:
        """A line at the price of (`sku`, `attribute`) in the price region."""
        price = self.price(sku, attribute)
        return Line(name=name, kind=kind, unit=price.unit, unit_price=price.usd,
                    quantity=quantity, usage_key=usage_key, estimate=price.estimate)  # fmt: skip

    def options(self, capability: Capability) -> Any:
        """The options of the blueprint's tool for `capability` (None: not in the blueprint)."""
        spec = self.blueprint.tools().get(capability)
        return None if spec is None else spec.options

    def designated(
        self, resource: Resource, preferred: Callable[[Resource], bool] = lambda _: False
    ) -> bool:
        """Whether `resource` carries the platform-wide line of its type (e.g. all storage):
        the first preferred resource of the type by URN, else the first one by URN."""
        candidates = self.graph.of_type(resource.type)
        return min(candidates, key=lambda r: (not preferred(r), r.urn)).urn == resource.urn

    def assumption(self, key: str) -> Decimal | None:
        """The `usage:` value of `key` as an exact decimal, or None when the blueprint has none."""
        value = getattr(self.usage, key)
        if value is None:
            return None
        return Decimal(int(value)) if float(value).is_integer() else Decimal(repr(float(value)))


Pricer = Callable[[Resource, Context], list[Line] | None]
"""A resource's monthly lines. None: it costs nothing in this configuration (counted free);
an empty list: its cost is in a platform-wide line priced on another resource."""


def platform_wide(
    name: str,
    sku: str,
    attribute: str,
    usage_key: str,
    preferred: Callable[[Resource, Context], bool],
) -> Pricer:
    """A usage line for the whole platform (all storage, all logs), priced once: on the first
    `preferred` resource of its type; the others of the type show it as another's line."""

    def pricer(resource: Resource, context: Context) -> list[Line]:
        if not context.designated(resource, lambda r: preferred(r, context)):
            return []
        quantity = context.assumption(usage_key)
        return [context.line(name, Kind.usage, sku, attribute, quantity, usage_key)]

    return pricer


def in_foundation(resource: Resource, context: Context) -> bool:
    return context.capabilities[resource.urn] == FOUNDATION


def curated_data(resource: Resource, context: Context) -> bool:
    """The data capability's curated store: where the platform's data mostly lives."""
    return context.capabilities[resource.urn] == Capability.data and resource.name.endswith(
        "-curated"
    )


def count(value: Any, default: int = 1) -> Decimal:
    """A count as sent (the SDK sends numbers as floats: 2.0, and sizes as strings: "150")."""
    if isinstance(value, str) and value.isdigit():
        return Decimal(value)
    return Decimal(int(value)) if isinstance(value, int | float) else Decimal(default)


def estimate(
    bp: Blueprint,
    graph: Graph,
    *,
    book: PriceBook | None = None,
    price_region: str | None = None,
) -> Estimate:
    """Price every resource of `graph` (the preview of `bp`) at `price_region`'s list prices
    (default: the blueprint's region)."""
    book = book or load_book(bp.cloud.value)
    region = price_region or bp.region
    if region not in book.regions:
        raise CostError(
            f"the {book.cloud} price book has no prices for {region} (it has: "
            f"{', '.join(book.regions)}): price it as one of them with --price-region, "
            f"or give {region}'s prices with --prices FILE"
        )
    pricers: Mapping[str, Pricer] = importlib.import_module(f"opsblocks.cost.{book.cloud}").PRICERS
    capabilities = capability_of(bp, graph)
    context = Context(
        book=book,
        region=region,
        usage=bp.usage,
        blueprint=bp,
        graph=graph,
        capabilities=capabilities,
    )
    priced: list[ResourceCost] = []
    free: list[str] = []
    unpriced: list[tuple[str, str]] = []
    for resource in _ordered(graph, capabilities):
        classification = book.classification(resource.type)
        pricer = pricers.get(resource.type)
        if classification is Classification.free:
            free.append(resource.urn)
        elif classification is None or pricer is None:
            unpriced.append((resource.urn, resource.type))
        elif (lines := _price(pricer, resource, context)) is None:
            free.append(resource.urn)
        else:
            priced.append(
                ResourceCost(
                    urn=resource.urn,
                    type=resource.type,
                    name=resource.name,
                    capability=capabilities[resource.urn],
                    lines=tuple(lines),
                )
            )
    return Estimate(
        blueprint=bp.name,
        cloud=book.cloud,
        region=region,
        prices_taken=book.taken.isoformat(),
        resources=tuple(priced),
        free=tuple(free),
        unpriced=tuple(unpriced),
    )


def _price(pricer: Pricer, resource: Resource, context: Context) -> list[Line] | None:
    try:
        return pricer(resource, context)
    except CostError as exc:
        capability = context.capabilities[resource.urn]
        raise CostError(f"{capability}: {resource.name} ({resource.type}): {exc}") from None


def capability_of(bp: Blueprint, graph: Graph) -> dict[str, str]:
    """URN -> capability of its top-level component; "other" outside every component."""
    names = {bp.name: FOUNDATION} | {f"{bp.name}-{c.value}": c.value for c in bp.tools()}
    parents = {r.urn: r.parent for r in graph.resources}
    found: dict[str, str] = {}
    top_names = {r.urn: r.name for r in graph.resources if r.parent is None and r.is_component}

    def of(urn: str) -> str:
        if urn not in found:
            parent = parents.get(urn)
            found[urn] = (
                of(parent)
                if parent is not None and parent in parents
                else names.get(top_names.get(urn, ""), OTHER)
            )
        return found[urn]

    return {r.urn: of(r.urn) for r in graph.resources}


def _ordered(graph: Graph, capabilities: Mapping[str, str]) -> list[Resource]:
    """Cloud resources (no components, no providers), by capability in build order, type, name."""
    rank = {capability: index for index, capability in enumerate(CAPABILITY_ORDER)}
    cloud = [r for r in graph.resources if r.custom and not r.type.startswith("pulumi:providers:")]
    return sorted(
        cloud, key=lambda r: (rank.get(capabilities[r.urn], len(rank)), r.type, r.name, r.urn)
    )
