"""`opsblocks check`, `opsblocks rules` and the check line of `opsblocks preview`, end to end.

A finding to report is made the way a user makes one: renaming a blueprint, checked
`--against` the original, replaces every stateful resource (OB-ALL-DATA-002, high)."""

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from opsblocks.cli import app
from opsblocks.commands.inputs import record, target_of
from opsblocks.preview import UNKNOWN

ROOT = Path(__file__).parents[3]
MINIMAL = ROOT / "blueprints" / "aws-minimal.yaml"
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
runner = CliRunner()


def renamed(tmp_path: Path, waive: str = "") -> Path:
    text = MINIMAL.read_text().replace("name: churn-sandbox", "name: churn-sandbox2")
    assert "churn-sandbox2" in text
    path = tmp_path / "renamed.yaml"
    path.write_text(text + waive)
    return path


WAIVER = """
checks:
  waive:
    - rule: OB-ALL-DATA-002
      reason: the sandbox is rebuilt from scratch on purpose
"""


@pytest.fixture(scope="module")
def against(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The renamed blueprint checked against the original, as JSON."""
    path = renamed(tmp_path_factory.mktemp("against"))
    result = runner.invoke(app, ["check", str(path), "--against", str(MINIMAL), "--format", "json"])
    assert result.exit_code == 1, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_a_shipped_blueprint_passes_and_says_so() -> None:
    result = runner.invoke(app, ["check", str(MINIMAL)])
    assert result.exit_code == 0, result.output
    assert "aws-minimal.yaml" in result.stdout and "passed" in result.stdout


def test_a_change_that_replaces_stateful_resources_fails_at_high(
    against: dict[str, object],
) -> None:
    assert against["failed"] is True and against["fail_on"] == "high"
    [checked] = against["blueprints"]  # type: ignore[misc]
    findings = checked["findings"]
    assert findings and {f["rule"] for f in findings} == {"OB-ALL-DATA-002"}
    assert {"aws:s3/bucket:Bucket", "aws:kms/key:Key"} <= {f["type"] for f in findings}
    assert all(f["severity"] == "high" and f["waived"] is None and f["fix"] for f in findings)
    assert "high" in checked["summary"]


def test_fail_on_sets_the_severity_that_fails(tmp_path: Path) -> None:
    args = ["check", str(renamed(tmp_path)), "--against", str(MINIMAL)]
    failed = runner.invoke(app, args)
    assert failed.exit_code == 1
    assert "OB-ALL-DATA-002" in failed.stdout and "at or above high" in failed.stdout
    passed = runner.invoke(app, [*args, "--fail-on", "critical"])
    assert passed.exit_code == 0, passed.output


def test_a_waived_finding_passes_and_is_shown_with_its_reason_in_every_format(
    tmp_path: Path,
) -> None:
    args = ["check", str(renamed(tmp_path, WAIVER)), "--against", str(MINIMAL)]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "waived high" in table.stdout
    assert "waived OB-ALL-DATA-002: the sandbox is rebuilt from scratch on purpose" in table.stdout
    sarif = json.loads(runner.invoke(app, [*args, "--format", "sarif"]).stdout)
    results = sarif["runs"][0]["results"]
    assert results and all(r["suppressions"][0]["kind"] == "inSource" for r in results)
    assert "rebuilt from scratch" in results[0]["suppressions"][0]["justification"]
    document = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    reasons = {f["waived"] for f in document["blueprints"][0]["findings"]}
    assert reasons == {"the sandbox is rebuilt from scratch on purpose"}


def test_the_sarif_output_is_valid_sarif_2_1_0(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["check", str(renamed(tmp_path)), "--against", str(MINIMAL), "--format", "sarif"]
    )
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) >= 60
    result_ = run["results"][0]
    assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"] == "OB-ALL-DATA-002"
    location = result_["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("renamed.yaml")
    assert location["region"]["startLine"] >= 1


def test_a_waiver_that_matches_nothing_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "waived.yaml"
    path.write_text(MINIMAL.read_text() + WAIVER)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "OB-ALL-DATA-002 matches no finding" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check"], "give blueprint files or --stack NAME"),
        (["check", "a.yaml", "b.yaml", "--against", "c.yaml"], "--against compares one"),
        (["check", "missing.yaml"], "missing.yaml: no such file"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_1(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_preview_ends_with_the_check_summary_line() -> None:
    tree = runner.invoke(app, ["preview", str(MINIMAL)])
    assert tree.exit_code == 0, tree.output
    assert tree.stdout.strip().splitlines()[-1].startswith("check: no findings (")
    document = json.loads(runner.invoke(app, ["preview", str(MINIMAL), "--format", "json"]).stdout)
    assert document["check"].startswith("check: no findings (")


def test_rules_lists_every_rule_as_json() -> None:
    result = runner.invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) >= 60 and len({r["id"] for r in rows}) == len(rows)
    assert all(r["fix"] and r["source"] and r["protects"] for r in rows)


def test_check_reads_policy_documents_a_preview_knows_only_after_up() -> None:
    """Role policies embed ARNs, unknown in a preview; the check records readable stand-ins so
    its IAM rules judge the statements instead of skipping them."""
    target = target_of(MINIMAL, None)
    shown = record(target).of_type("aws:iam/rolePolicy:RolePolicy")
    checked = record(target, readable=True).of_type("aws:iam/rolePolicy:RolePolicy")
    assert shown and all(p.inputs["policy"] == UNKNOWN for p in shown)
    assert checked and all(json.loads(p.inputs["policy"])["Statement"] for p in checked)
