"""`opsblocks cost` and the cost part of `opsblocks preview`, end to end through the CLI."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from opsblocks.cli import app

ROOT = Path(__file__).parents[2]
MINIMAL = str(ROOT / "blueprints" / "aws-minimal.yaml")
SAGEMAKER = str(ROOT / "blueprints" / "aws-sagemaker.yaml")
runner = CliRunner()


@cache
def run(*args: str) -> Result:
    """One recording per command line: a preview takes seconds, and results are read-only."""
    return runner.invoke(app, list(args))


def document(*args: str) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    return line


def blueprint(tmp_path: Path, *, region: str = "eu-west-1", usage: str = "") -> str:
    """The minimal blueprint in another region, with `usage:` assumptions."""
    text = Path(MINIMAL).read_text().replace("region: eu-west-1", f"region: {region}")
    file = tmp_path / "blueprint.yaml"
    file.write_text(text + (f"usage: {usage}\n" if usage else ""))
    return str(file)


# -- cost -----------------------------------------------------------------------------------


def test_cost_prints_the_table_with_the_overall_total() -> None:
    result = run("cost", SAGEMAKER)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("fraud-detection · aws us-east-1 prices of ")
    total = document("cost", SAGEMAKER)["totals"]["monthly_cost"]
    assert "OVERALL TOTAL" in result.stdout and f"${Decimal(total):,}" in result.stdout
    for capability in ("foundation", "serving", "monitoring", "cicd"):
        assert f"{capability} subtotal" in result.stdout
    assert "resources:" in result.stdout and result.stderr == ""


def test_cost_json_totals_are_the_sums_of_the_line_costs() -> None:
    cost = document("cost", SAGEMAKER)
    lines = [Decimal(line["monthly_cost"]) for line in cost["lines"] if line["monthly_cost"]]
    assert Decimal(cost["totals"]["monthly_cost"]) == sum(lines) > 0
    by_capability = [Decimal(v) for v in cost["totals"]["by_capability"].values()]
    assert sum(by_capability) == sum(lines)
    assert cost["price_region"] == "us-east-1" and cost["summary"]["priced"] > 0


def test_cost_markdown_has_the_total_and_the_folded_lines() -> None:
    result = run("cost", SAGEMAKER, "--format", "markdown")
    assert result.exit_code == 0, result.output
    total = Decimal(document("cost", SAGEMAKER)["totals"]["monthly_cost"])
    assert f"| **total** | **${total:,}** |" in result.stdout
    assert "<details>" in result.stdout and "</details>" in result.stdout


def test_cost_by_stack_prices_the_stack_blueprint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    cost = json.loads(runner.invoke(app, ["cost", "--stack", "aws-dev", "--format", "json"]).stdout)
    assert (cost["blueprint"], cost["price_region"]) == ("churn-sandbox", "eu-west-1")


def test_usage_assumptions_price_the_usage_lines(tmp_path: Path) -> None:
    file = blueprint(tmp_path, usage="{storage_gb: 100}")
    result = runner.invoke(app, ["cost", file, "--format", "json"])
    [storage] = [line for line in json.loads(result.stdout)["lines"]
                 if line["usage_key"] == "storage_gb"]  # fmt: skip
    assert storage["quantity"] == "100" and storage["monthly_cost"] is not None


# -- budget ---------------------------------------------------------------------------------


def test_over_the_budget_exits_2_with_one_line_on_stderr() -> None:
    result = run("cost", SAGEMAKER, "--max-monthly-cost", "1")
    assert result.exit_code == 2
    assert "OVERALL TOTAL" in result.stdout
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("monthly cost $") and line.endswith("exceeds the budget $1.00")


def test_within_the_budget_exits_0() -> None:
    result = run("cost", SAGEMAKER, "--max-monthly-cost", "1000000")
    assert result.exit_code == 0 and result.stderr == ""


def test_with_compare_the_budget_is_checked_against_other() -> None:
    small = Decimal(document("cost", MINIMAL)["totals"]["monthly_cost"])
    budget = str(small + 1)  # the minimal platform fits; the SageMaker one does not
    assert runner.invoke(app, ["cost", SAGEMAKER, "--compare", MINIMAL,
                               "--max-monthly-cost", budget]).exit_code == 0  # fmt: skip
    assert runner.invoke(app, ["cost", MINIMAL, "--compare", SAGEMAKER,
                               "--max-monthly-cost", budget]).exit_code == 2  # fmt: skip


# -- compare --------------------------------------------------------------------------------


def test_compare_prints_the_lines_and_the_delta_from_file_to_other() -> None:
    result = run("cost", MINIMAL, "--compare", SAGEMAKER)
    assert result.exit_code == 0, result.output
    before = Decimal(document("cost", MINIMAL)["totals"]["monthly_cost"])
    after = Decimal(document("cost", SAGEMAKER)["totals"]["monthly_cost"])
    assert (f"Monthly cost from churn-sandbox to fraud-detection: +${after - before:,} "
            f"(${before:,} → ${after:,})") in result.stdout  # fmt: skip
    assert "+ aws.cloudwatch.Dashboard monitoring-dashboard" in result.stdout


def test_compare_json_delta_is_other_minus_file() -> None:
    comparison = document("cost", MINIMAL, "--compare", SAGEMAKER)
    before, after = (Decimal(comparison[side]["totals"]["monthly_cost"]) for side in ("from", "to"))
    assert Decimal(comparison["delta"]["monthly_cost"]) == after - before > 0
    assert sum(Decimal(c["delta"]) for c in comparison["changes"]) == after - before
    assert {c["status"] for c in comparison["changes"]} >= {"added", "changed"}


def test_compare_markdown_has_the_delta() -> None:
    result = run("cost", MINIMAL, "--compare", SAGEMAKER, "--format", "markdown")
    delta = Decimal(document("cost", MINIMAL, "--compare", SAGEMAKER)["delta"]["monthly_cost"])
    assert f"### Monthly cost from `churn-sandbox` to `fraud-detection`: +${delta:,}" in (
        result.stdout
    )


# -- bad input ------------------------------------------------------------------------------


def test_unknown_price_region_is_one_line_and_exit_1() -> None:
    line = one_line_error(run("cost", SAGEMAKER, "--price-region", "mars-1"))
    assert "mars-1" in line and "us-east-1" in line


def test_a_region_the_book_lacks_needs_price_region(tmp_path: Path) -> None:
    file = blueprint(tmp_path, region="ap-southeast-2")
    line = one_line_error(runner.invoke(app, ["cost", file]))
    assert "ap-southeast-2" in line and "--price-region" in line
    priced = runner.invoke(app, ["cost", file, "--price-region", "eu-west-1", "--format", "json"])
    assert json.loads(priced.stdout)["price_region"] == "eu-west-1"


def test_a_prices_file_replaces_a_price(tmp_path: Path) -> None:
    rates = tmp_path / "rates.yaml"
    rates.write_text("cloud: aws\nskus:\n  sagemaker-hosting:\n    unit: hours\n"
                     "    taken: 2026-01-01\n    source: our contract\n"
                     "    prices: {ml.m5.large: {us-east-1: 1}}\n")  # fmt: skip
    result = runner.invoke(app, ["cost", SAGEMAKER, "--prices", str(rates), "--format", "json"])
    assert result.exit_code == 0, result.output
    unit_prices = {line["unit_price"] for line in json.loads(result.stdout)["lines"]
                   if "ml.m5.large" in line["name"] and line["kind"] == "hourly"}  # fmt: skip
    assert unit_prices == {"1.00"}


def test_a_malformed_prices_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    rates = tmp_path / "rates.yaml"
    rates.write_text("cloud: aws\nskus: [not, a, mapping]\n")
    line = one_line_error(runner.invoke(app, ["cost", SAGEMAKER, "--prices", str(rates)]))
    assert str(rates) in line and "skus" in line


def test_negative_usage_is_one_line_and_exit_1(tmp_path: Path) -> None:
    file = blueprint(tmp_path, usage="{storage_gb: -5}")
    assert "usage.storage_gb" in one_line_error(runner.invoke(app, ["cost", file]))


@pytest.mark.parametrize("args", [[MINIMAL, "--stack", "aws-dev"], []], ids=["both", "neither"])
def test_cost_wants_a_file_or_a_stack(args: list[str]) -> None:
    assert "one of them" in one_line_error(runner.invoke(app, ["cost", *args]))


# -- preview --------------------------------------------------------------------------------


def test_preview_prints_the_cost_table_after_the_resources() -> None:
    result = run("preview", MINIMAL)
    assert result.exit_code == 0, result.output
    stdout = result.stdout
    assert stdout.index("Summary") < stdout.index("Stack outputs") < stdout.index("OVERALL TOTAL")


def test_preview_json_has_the_cost_document() -> None:
    assert document("preview", MINIMAL)["cost"] == document("cost", MINIMAL)


def test_preview_of_a_region_the_book_lacks_warns_and_still_shows_resources(
    tmp_path: Path,
) -> None:
    result = runner.invoke(app, ["preview", blueprint(tmp_path, region="ap-southeast-2"),
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["cost"] is None
    assert "no cost estimate" in result.stderr and "ap-southeast-2" in result.stderr
