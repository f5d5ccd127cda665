"""The cost table, JSON and Markdown, rendered from hand-made estimates (no engine, no book)."""

import io
import json
from decimal import Decimal

import pytest
from rich.console import Console

from opsblocks.cost import compare as comparing
from opsblocks.cost import render, render_table
from opsblocks.cost.compare import compare
from opsblocks.cost.model import Estimate, Kind, Line, ResourceCost

ENDPOINT = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"


def estimate(name: str = "fraud-detection", *, instances: int = 2) -> Estimate:
    """$167.90 serving + $2.30 data (+ a line that depends on usage) + $22.90 foundation."""
    return Estimate(
        blueprint=name,
        cloud="aws",
        region="us-east-1",
        prices_taken="2025-06-01",
        resources=(
            ResourceCost(
                f"urn:{name}-serving-config",
                ENDPOINT,
                f"{name}-serving-config",
                "serving",
                (
                    Line(
                        "Instance usage (ml.m5.large)",
                        Kind.hourly,
                        "hours",
                        Decimal("0.115"),
                        Decimal(730 * instances),
                    ),
                ),
            ),
            ResourceCost(
                f"urn:{name}-data-raw",
                "aws:s3/bucket:Bucket",
                f"{name}-data-raw",
                "data",
                (
                    Line(
                        "Storage (standard)",
                        Kind.usage,
                        "GB-months",
                        Decimal("0.023"),
                        Decimal(100),
                        "storage_gb",
                    ),
                    Line(
                        "PUT requests",
                        Kind.usage,
                        "1k requests",
                        Decimal("0.005"),
                        None,
                        "requests",
                    ),
                ),
            ),
            ResourceCost(
                f"urn:{name}-key",
                "aws:kms/key:Key",
                f"{name}-key",
                "foundation",
                (Line("Customer managed key", Kind.monthly, "months", Decimal(1), Decimal(1)),),
            ),
            ResourceCost(
                f"urn:{name}-s3",
                "aws:ec2/vpcEndpoint:VpcEndpoint",
                f"{name}-s3",
                "foundation",
                (
                    Line(
                        "Endpoint hours",
                        Kind.hourly,
                        "hours",
                        Decimal("0.01"),
                        Decimal(2190),
                        estimate=True,
                    ),
                ),
            ),
        ),
        free=(f"urn:{name}-vpc", f"urn:{name}-role"),
        unpriced=(
            (f"urn:{name}-crawler", "aws:glue/crawler:Crawler"),
            (f"urn:{name}-crawler-2", "aws:glue/crawler:Crawler"),
            (f"urn:{name}-email", "aws:sns/topicSubscription:TopicSubscription"),
        ),
    )


def text(renderable: object, width: int = 200) -> str:
    console = Console(width=width, file=io.StringIO())
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def rows(output: str) -> list[list[str]]:
    """The table's rows as their non-empty cells (cells are two or more spaces apart)."""
    return [[c.strip() for c in line.split("  ") if c.strip()] for line in output.splitlines()]


# -- table ----------------------------------------------------------------------------------


def test_table_has_one_row_per_line_with_name_quantity_unit_and_cost() -> None:
    output = rows(text(render_table.table(estimate())))
    assert ["Name", "Monthly qty", "Unit", "Monthly cost"] in output
    assert ["└─ Instance usage (ml.m5.large)", "1,460", "hours", "$167.90"] in output
    assert ["└─ Customer managed key", "1", "months", "$1.00"] in output


def test_table_names_each_resource_by_short_type_and_logical_name() -> None:
    output = text(render_table.table(estimate()))
    assert "aws.sagemaker.EndpointConfiguration fraud-detection-serving-config" in output
    assert "aws.ec2.VpcEndpoint fraud-detection-s3" in output


def test_usage_lines_are_starred_and_unknown_usage_shows_the_unit_price() -> None:
    output = rows(text(render_table.table(estimate())))
    assert ["├─ Storage (standard)", "100", "GB-months", "$2.30 *"] in output
    assert ["└─ PUT requests", "depends on usage: $0.005 per 1k requests *"] in output


def test_estimated_prices_are_marked_and_the_legend_explains_the_marks() -> None:
    output = text(render_table.table(estimate()))
    assert "~$21.90" in output
    assert "* usage-based" in output and "~ estimated price" in output


def test_table_groups_by_capability_foundation_first_with_subtotals_and_total() -> None:
    output = text(render_table.table(estimate()))
    assert output.index("foundation") < output.index("data") < output.index("serving")
    table = rows(output)
    assert ["foundation subtotal", "$22.90"] in table
    assert ["data subtotal", "$2.30"] in table
    assert ["serving subtotal", "$167.90"] in table
    assert ["OVERALL TOTAL", "$193.10"] in table


def test_table_header_names_blueprint_price_region_and_date() -> None:
    first = text(render_table.table(estimate())).splitlines()[0]
    assert first == "fraud-detection · aws us-east-1 prices of 2025-06-01"


def test_summary_counts_priced_free_and_unpriced_and_names_unpriced_types() -> None:
    output = text(render_table.table(estimate()))
    assert (
        "9 resources: 4 priced, 2 free, 3 not priced "
        "(types: aws.glue.Crawler, aws.sns.TopicSubscription)"
    ) in output


def test_names_with_brackets_are_printed_not_taken_for_markup() -> None:
    bracketed = Line("Storage [infrequent access]", Kind.monthly, "months", Decimal(1), Decimal(1))
    resource = ResourceCost("urn:x", "aws:s3/bucket:Bucket", "x-bucket", "data", (bracketed,))
    output = text(render_table.table(Estimate("x", "aws", "us-east-1", "2025-06-01", (resource,))))
    assert "Storage [infrequent access]" in output


def test_a_narrow_terminal_keeps_the_total_on_one_line() -> None:
    assert ["OVERALL TOTAL", "$193.10"] in rows(text(render_table.table(estimate()), width=80))


# -- wording --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "sign", "shown"),
    [
        ("1234.565", False, "$1,234.57"),
        ("0", True, "$0.00"),
        ("3", True, "+$3.00"),
        ("-3", True, "-$3.00"),
        ("-0.004", True, "$0.00"),
    ],
)
def test_money_is_rounded_to_cents_with_thousands_and_an_optional_sign(
    amount: str, sign: bool, shown: str
) -> None:
    assert render.money(Decimal(amount), sign=sign) == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0.023", "$0.023"),
        ("0.0000166667", "$0.0000166667"),
        ("1", "$1.00"),
        ("1E+3", "$1,000.00"),
    ],
)
def test_unit_prices_keep_their_digits(amount: str, shown: str) -> None:
    assert render.price(Decimal(amount)) == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("1460", "1,460"),
        ("0.50", "0.5"),
        ("33.333333", "33.3333"),
        ("1E+3", "1,000"),
    ],
)
def test_quantities_drop_trailing_zeros_and_keep_four_decimals(amount: str, shown: str) -> None:
    assert render.quantity(Decimal(amount)) == shown


# -- JSON -----------------------------------------------------------------------------------


def test_json_money_and_quantities_are_decimal_strings_and_unknown_is_null() -> None:
    lines = {line["name"]: line for line in json.loads(render.as_json(estimate()))["lines"]}
    serving = lines["Instance usage (ml.m5.large)"]
    assert (serving["unit_price"], serving["quantity"], serving["monthly_cost"]) == (
        "0.115",
        "1460",
        "167.90",
    )
    unknown = lines["PUT requests"]
    assert unknown["quantity"] is None and unknown["monthly_cost"] is None
    assert unknown["usage_key"] == "requests" and unknown["kind"] == "usage"
    assert lines["Endpoint hours"]["estimate"] is True


def test_json_lines_carry_their_resource() -> None:
    document = json.loads(render.as_json(estimate()))
    line = next(line for line in document["lines"] if line["name"] == "Storage (standard)")
    assert line["resource"] == {
        "urn": "urn:fraud-detection-data-raw",
        "type": "aws:s3/bucket:Bucket",
        "name": "fraud-detection-data-raw",
        "capability": "data",
    }
    assert {
        "name",
        "kind",
        "unit",
        "unit_price",
        "quantity",
        "monthly_cost",
        "usage_key",
        "estimate",
    } <= line.keys()


def test_json_totals_are_the_sums_of_the_known_line_costs() -> None:
    document = json.loads(render.as_json(estimate()))
    costs = [Decimal(line["monthly_cost"]) for line in document["lines"] if line["monthly_cost"]]
    assert document["totals"]["monthly_cost"] == "193.10" == f"{sum(costs):f}"
    by_capability = document["totals"]["by_capability"]
    assert by_capability == {"foundation": "22.90", "data": "2.30", "serving": "167.90"}
    assert list(by_capability) == ["foundation", "data", "serving"]


def test_json_has_summary_price_region_and_date() -> None:
    document = json.loads(render.as_json(estimate()))
    assert document["summary"] == {
        "resources": 9,
        "priced": 4,
        "free": 2,
        "unpriced": 3,
        "unpriced_types": [
            "aws:glue/crawler:Crawler",
            "aws:sns/topicSubscription:TopicSubscription",
        ],
    }
    assert (document["price_region"], document["prices_taken"]) == ("us-east-1", "2025-06-01")


# -- Markdown -------------------------------------------------------------------------------


def test_markdown_has_a_subtotal_per_capability_and_the_total() -> None:
    markdown = render.markdown(estimate())
    assert "| foundation | $22.90 |" in markdown
    assert "| serving | $167.90 |" in markdown
    assert "| **total** | **$193.10** |" in markdown
    assert "### Monthly cost of `fraud-detection`: $193.10" in markdown


def test_markdown_folds_the_resource_lines_and_escapes_the_marks() -> None:
    markdown = render.markdown(estimate())
    details = markdown[markdown.index("<details>") : markdown.index("</details>")]
    assert (
        "| data | `aws.s3.Bucket` fraud-detection-data-raw | Storage (standard) | 100 | "
        "GB-months | $2.30 \\* |"
    ) in details
    assert "\\~$21.90" in details


def test_comparison_markdown_shows_the_delta_per_capability_and_in_total() -> None:
    markdown = comparing.markdown(compare(estimate("a", instances=1), estimate("b")))
    assert "| serving | $83.95 | $167.90 | +$83.95 |" in markdown
    assert "| **total** | **$109.15** | **$193.10** | **+$83.95** |" in markdown
    assert "| changed | `aws.sagemaker.EndpointConfiguration` serving-config |" in markdown


def test_comparison_json_has_both_estimates_the_delta_and_the_changes() -> None:
    document = json.loads(comparing.as_json(compare(estimate("a", instances=1), estimate("b"))))
    assert document["delta"]["monthly_cost"] == "83.95"
    assert document["delta"]["by_capability"]["serving"] == "83.95"
    assert (document["from"]["blueprint"], document["to"]["blueprint"]) == ("a", "b")
    [change] = document["changes"]
    assert (change["status"], change["name"], change["delta"]) == (
        "changed",
        "serving-config",
        "83.95",
    )
    assert change["before"]["quantity"] == "730" and change["after"]["quantity"] == "1460"


def test_comparison_table_marks_each_change_and_prints_the_delta() -> None:
    comparison = compare(estimate("a", instances=1), estimate("b"))
    output = text(render_table.comparison_table(comparison))
    table = rows(output)
    assert ["~ aws.sagemaker.EndpointConfiguration serving-config"] in table
    assert ["~ Instance usage (ml.m5.large)", "$83.95", "$167.90", "+$83.95"] in table
    assert ["serving", "$83.95", "$167.90", "+$83.95"] in table
    assert ["OVERALL TOTAL", "$109.15", "$193.10", "+$83.95"] in table
    assert "Monthly cost from a to b: +$83.95 ($109.15 → $193.10)" in output
    assert "Lines: 0 added, 0 removed, 1 changed" in output


def test_comparison_table_of_equal_estimates_says_nothing_changed() -> None:
    output = text(render_table.comparison_table(compare(estimate("a"), estimate("b"))))
    assert "no line changed" in output and ["OVERALL TOTAL", "$193.10", "$193.10", "$0.00"] in rows(
        output
    )


def test_comparison_markdown_of_equal_estimates_says_nothing_changed() -> None:
    markdown = comparing.markdown(compare(estimate("a"), estimate("b")))
    assert "No line changed." in markdown and "<details>" not in markdown
