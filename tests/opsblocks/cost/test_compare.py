"""Matching the lines of two estimates: pure functions over hand-made estimates."""

from decimal import Decimal

from opsblocks.cost.compare import Key, Status, changes, compare, logical_name
from opsblocks.cost.model import Estimate, Kind, Line, ResourceCost
from opsblocks.cost.render import capability_rank

BUCKET = "aws:s3/bucket:Bucket"
ROLE = "aws:iam/role:Role"


def line(name: str = "Storage", price: str = "0.023", quantity: str | None = "100") -> Line:
    return Line(
        name,
        Kind.usage,
        "GB-months",
        Decimal(price),
        None if quantity is None else Decimal(quantity),
        "storage_gb",
    )


def resource(
    blueprint: str, name: str, *lines: Line, type_: str = BUCKET, capability: str = "data"
) -> ResourceCost:
    full = f"{blueprint}-{name}" if name else blueprint
    return ResourceCost(f"urn:{full}:{type_}", type_, full, capability, lines)


def estimate(blueprint: str, *resources: ResourceCost) -> Estimate:
    return Estimate(blueprint, "aws", "us-east-1", "2025-06-01", resources)


def test_logical_name_drops_the_blueprint_prefix() -> None:
    assert logical_name("fraud-detection-data-raw", "fraud-detection") == "data-raw"
    assert logical_name("fraud-detection", "fraud-detection") == ""
    assert logical_name("other-data-raw", "fraud-detection") == "other-data-raw"


def test_same_platform_under_two_blueprint_names_has_no_change() -> None:
    before = estimate("churn", resource("churn", "data-raw", line()))
    after = estimate("fraud-detection", resource("fraud-detection", "data-raw", line()))
    assert changes(before, after) == []
    assert compare(before, after).delta == 0


def test_a_line_only_in_the_second_estimate_is_added() -> None:
    before = estimate("a", resource("a", "data-raw", line()))
    after = estimate("b", resource("b", "data-raw", line()), resource("b", "data-curated", line()))
    [change] = changes(before, after)
    assert change.status is Status.added and change.before is None
    assert change.key == Key(BUCKET, "data-curated", "Storage")
    assert change.delta == Decimal("2.300")


def test_a_line_only_in_the_first_estimate_is_removed_with_a_negative_delta() -> None:
    before = estimate("a", resource("a", "data-raw", line(), line("Requests", "0.005", "10")))
    after = estimate("b", resource("b", "data-raw", line()))
    [change] = changes(before, after)
    assert change.status is Status.removed and change.after is None
    assert change.key.line == "Requests" and change.delta == Decimal("-0.050")


def test_a_line_with_another_quantity_or_price_is_changed() -> None:
    before = estimate(
        "a",
        resource("a", "data-raw", line(quantity="100")),
        resource("a", "data-curated", line(price="0.023")),
    )
    after = estimate(
        "b",
        resource("b", "data-raw", line(quantity="300")),
        resource("b", "data-curated", line(price="0.025")),
    )
    found = {c.key.name: c for c in changes(before, after)}
    assert {c.status for c in found.values()} == {Status.changed}
    assert found["data-raw"].delta == Decimal("4.6")
    assert found["data-curated"].delta == Decimal("0.2")


def test_same_name_of_another_type_does_not_match() -> None:
    before = estimate("a", resource("a", "logs", line()))
    after = estimate("b", resource("b", "logs", line(), type_=ROLE))
    assert {c.status for c in changes(before, after)} == {Status.added, Status.removed}


def test_namesakes_pair_in_order_and_the_extra_one_is_added() -> None:
    before = estimate("a", resource("a", "x", line(quantity="1")))
    after = estimate(
        "b",
        resource("b", "x", line(quantity="1")),
        resource("b", "x", line(quantity="5"), capability="training"),
    )
    [change] = changes(before, after)
    assert change.status is Status.added and change.capability == "training"


def test_a_cost_that_depends_on_usage_counts_as_zero_in_the_delta() -> None:
    before = estimate("a", resource("a", "data-raw", line(quantity=None)))
    after = estimate("b", resource("b", "data-raw", line(quantity="100")))
    [change] = changes(before, after)
    assert change.status is Status.changed and change.delta == Decimal("2.3")


def test_the_delta_is_second_minus_first_and_the_sum_of_the_line_deltas() -> None:
    before = estimate(
        "a",
        resource("a", "data-raw", line(quantity="100")),
        resource("a", "gone", line(quantity="7")),
    )
    after = estimate(
        "b",
        resource("b", "data-raw", line(quantity="40")),
        resource("b", "new", line(quantity="1000")),
    )
    comparison = compare(before, after)
    assert comparison.delta == after.monthly_cost - before.monthly_cost == Decimal("21.459")
    assert comparison.delta == sum(c.delta for c in comparison.changes)
    counts = [comparison.count(s) for s in Status]
    assert counts == [1, 1, 1]


def test_changes_and_capabilities_follow_the_build_order_foundation_first() -> None:
    before = estimate("a", resource("a", "bucket", line(), capability="serving"))
    after = estimate(
        "b",
        resource("b", "key", line(), capability="foundation"),
        resource("b", "pipeline", line(), capability="cicd"),
        resource("b", "raw", line(), capability="data"),
    )
    comparison = compare(before, after)
    assert [c.capability for c in comparison.changes] == ["foundation", "data", "serving", "cicd"]
    assert list(comparison.by_capability()) == ["foundation", "data", "serving", "cicd"]
    assert comparison.by_capability()["serving"] == (Decimal("2.300"), Decimal(0))


def test_unknown_capabilities_sort_after_the_known_ones() -> None:
    names = ["zzz", "other", "cicd", "foundation", "data"]
    assert sorted(names, key=capability_rank) == ["foundation", "data", "cicd", "other", "zzz"]


def test_a_new_unit_price_of_a_line_that_depends_on_usage_is_a_change_of_zero() -> None:
    before = estimate("a", resource("a", "data-raw", line(price="0.023", quantity=None)))
    after = estimate("b", resource("b", "data-raw", line(price="0.025", quantity=None)))
    [change] = changes(before, after)
    assert change.status is Status.changed and change.delta == 0
