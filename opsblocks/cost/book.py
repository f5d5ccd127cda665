"""Price books: dated, sourced list prices per cloud and region, shipped as YAML data.

`load_book("aws")` reads the shipped `aws.yaml`; `load_book("aws", path)` lays a user's file
(e.g. negotiated rates) over it, so that file needs only the prices it changes. Either way the
book's rules hold: every price is dated and either sourced or flagged as an estimate, and
every region has a price for every SKU. Any problem is a CostError naming the field and the
file:line. Parsed books are cached: pricing many resources never re-reads a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from opsblocks.cost.bookfile import BookFile, PriceEntry, ResourceType, Sku, error_at, read
from opsblocks.cost.model import Classification
from opsblocks.errors import CostError

BOOKS = Path(__file__).parent


@dataclass(frozen=True)
class Price:
    sku: str
    attribute: str
    region: str
    usd: Decimal
    unit: str
    taken: date
    source: str | None
    estimate: bool


@dataclass(frozen=True)
class PriceBook:
    cloud: str
    currency: str
    regions: tuple[str, ...]
    units: Mapping[str, str]
    """SKU -> unit."""
    prices: Mapping[tuple[str, str, str], Price]
    """(SKU, attribute, region) -> price."""
    resources: Mapping[str, ResourceType]
    files: tuple[Path, ...]

    @property
    def taken(self) -> date:
        """The date of the oldest price: the book is at least this old."""
        return min(p.taken for p in self.prices.values())

    def attributes(self, sku: str) -> list[str]:
        return sorted({a for s, a, _ in self.prices if s == sku})

    def classification(self, type_token: str) -> Classification | None:
        entry = self.resources.get(type_token)
        return None if entry is None else entry.classification

    def price(self, sku: str, attribute: str, region: str) -> Price:
        found = self.prices.get((sku, attribute, region))
        if found is None:
            known = ", ".join(self.attributes(sku)) or "none"
            raise CostError(
                f"the {self.cloud} price book has no {sku} price for {attribute} in {region} "
                f"(priced: {known}): add it with --prices FILE"
            )
        return found


def load_book(cloud: str, path: Path | None = None) -> PriceBook:
    """The shipped book of `cloud`, with the file at `path` (if any) laid over it."""
    shipped = BOOKS / f"{cloud}.yaml"
    if not shipped.is_file():
        raise CostError(f"no price book for {cloud} yet")
    files = (shipped,) if path is None else (shipped, Path(path))
    return _load(cloud, tuple((f, *_stamp(f)) for f in files))


def _stamp(file: Path) -> tuple[int, int]:
    """Part of the cache key: a file edited since it was read is read again."""
    try:
        stat = file.stat()
    except OSError:
        return (0, 0)  # `read` reports the missing file
    return (stat.st_mtime_ns, stat.st_size)


@cache
def _load(cloud: str, files: tuple[tuple[Path, int, int], ...]) -> PriceBook:
    return _merge(cloud, [(read(file), file) for file, _, _ in files])


def _merge(cloud: str, layers: list[tuple[BookFile, Path]]) -> PriceBook:
    regions: list[str] = []
    units: dict[str, str] = {}
    prices: dict[tuple[str, str, str], Price] = {}
    where: dict[tuple[str, str], tuple[Path, tuple[str, ...]]] = {}
    resources: dict[str, ResourceType] = {}
    for book, file in layers:
        if book.cloud != cloud:
            raise error_at(file, ("cloud",), f"prices for {book.cloud}, not {cloud}")
        regions += [r for r in book.regions if r not in regions]
        for name, sku in book.skus.items():
            if units.setdefault(name, sku.unit) != sku.unit:
                raise error_at(
                    file,
                    ("skus", name, "unit"),
                    f"'{sku.unit}' differs from the book's unit '{units[name]}'",
                )
            for attribute, by_region in sku.prices.items():
                where[name, attribute] = (file, ("skus", name, "prices", attribute))
                for region, entry in by_region.items():
                    path = ("skus", name, "prices", attribute, region)
                    if region not in regions:
                        raise error_at(
                            file, path, f"not a region of the book (regions: {', '.join(regions)})"
                        )
                    prices[name, attribute, region] = _price(sku, entry, file, path)
        resources |= book.resources
    for (name, attribute), (file, written) in where.items():
        missing = [r for r in regions if (name, attribute, r) not in prices]
        if missing:
            raise error_at(
                file, written, f"no price for {', '.join(missing)} (every region needs one)"
            )
    return PriceBook(
        cloud=cloud,
        currency="USD",
        regions=tuple(regions),
        units=units,
        prices=prices,
        resources=resources,
        files=tuple(file for _, file in layers),
    )


def _price(sku: Sku, entry: PriceEntry, file: Path, path: tuple[str, ...]) -> Price:
    """The entry with the SKU's defaults; `path` is (skus, SKU, prices, attribute, region)."""
    estimate = sku.estimate if entry.estimate is None else entry.estimate
    # The SKU's source backs its sourced prices only, not the estimates beside them.
    origin = entry.source or (None if estimate else sku.source)
    if not estimate and origin is None:
        raise error_at(
            file, path, "no source: give the SKU a source or mark the price `estimate: true`"
        )
    return Price(
        sku=path[1],
        attribute=path[3],
        region=path[4],
        usd=entry.usd,
        unit=sku.unit,
        taken=entry.taken or sku.taken,
        source=origin,
        estimate=estimate,
    )
