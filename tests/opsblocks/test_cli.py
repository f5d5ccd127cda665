import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opsblocks.cli import app

ROOT = Path(__file__).parents[2]
MINIMAL = str(ROOT / "blueprints" / "aws-minimal.yaml")
INVALID = ROOT / "tests" / "fixtures" / "invalid"
runner = CliRunner()


def test_validate_accepts_the_shipped_blueprints() -> None:
    files = [str(p) for p in sorted((ROOT / "blueprints").glob("*.yaml"))]
    result = runner.invoke(app, ["validate", *files])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("✓") == len(files)


@pytest.mark.parametrize("fixture", sorted(INVALID.glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_blueprint_is_one_line_on_stderr_and_exit_1(fixture: Path) -> None:
    result = runner.invoke(app, ["validate", str(fixture)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{fixture}:" in lines[0]
    assert "Traceback" not in result.stderr


def test_tools_lists_every_aws_capability_as_json() -> None:
    result = runner.invoke(app, ["tools", "--cloud", "aws", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    capabilities = {row["capability"] for row in rows}
    assert capabilities == {
        "data",
        "kubernetes",
        "registry",
        "training",
        "serving",
        "validation",
        "monitoring",
        "cicd",
    }
    assert all(row["cloud"] == "aws" and row["description"] for row in rows)


def test_preview_prints_the_tree_and_the_summary() -> None:
    result = runner.invoke(app, ["preview", MINIMAL])
    assert result.exit_code == 0, result.output
    for section in ("foundation", "data · s3", "registry · sagemaker-model-registry",
                    "training · sagemaker-pipelines", "Summary", "total"):  # fmt: skip
        assert section in result.stdout


def test_preview_json_lists_every_resource_with_its_options() -> None:
    result = runner.invoke(app, ["preview", MINIMAL, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["blueprint"]["name"] == "churn-sandbox"
    resource = document["resources"][0]
    assert {"urn", "type", "name", "parent", "inputs", "protect", "retain_on_delete",
            "dependencies"} <= resource.keys()  # fmt: skip
    assert document["summary"]["resources"] == sum(
        r["kind"] == "resource" and not r["type"].startswith("pulumi:providers:")
        for r in document["resources"]
    )


def test_preview_by_stack_reads_the_stack_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["preview", "--stack", "aws-dev", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["blueprint"]["name"] == "churn-sandbox"


def test_preview_by_stack_shows_where_the_provider_deploys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["preview", "--stack", "gcp-dev"])
    assert result.exit_code == 0, result.output
    assert "provider.gcp gcp (project=my-ml-project, region=europe-west4)" in result.stdout


def a_project_with_stack(tmp_path: Path, stack: str) -> Path:
    """A copy of the project's Pulumi.yaml and blueprints, with one stack file of our own."""
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "blueprints").mkdir()
    for blueprint in (ROOT / "blueprints").glob("*-minimal.yaml"):
        (tmp_path / "blueprints" / blueprint.name).write_text(blueprint.read_text())
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.mine.yaml").write_text(stack)
    return tmp_path


def test_preview_by_stack_refuses_a_gcp_stack_without_project(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stack = "config:\n  opsblocks:blueprint: blueprints/gcp-minimal.yaml\n"
    monkeypatch.chdir(a_project_with_stack(tmp_path, stack))
    result = runner.invoke(app, ["preview", "--stack", "mine"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: stacks/Pulumi.mine.yaml does not set gcp:project: `pulumi config set "
        "gcp:project <value>` (opsblocks does not take it from the shell's environment)"
    )


def test_preview_by_stack_passes_structured_and_encrypted_settings_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stack = """config:
  opsblocks:blueprint: blueprints/aws-minimal.yaml
  aws:region: eu-west-1
  aws:skipMetadataApiCheck: false
  aws:assumeRoles:
    - roleArn: arn:aws:iam::123456789012:role/deployer
  aws:secretKey:
    secure: v1:abcdefgh
"""
    monkeypatch.chdir(a_project_with_stack(tmp_path, stack))
    result = runner.invoke(app, ["preview", "--stack", "mine", "--format", "json"])
    assert result.exit_code == 0, result.output
    [provider] = [r for r in json.loads(result.stdout)["resources"]
                  if r["type"] == "pulumi:providers:aws"]  # fmt: skip
    assert provider["inputs"]["assumeRoles"] == (
        '[{"roleArn": "arn:aws:iam::123456789012:role/deployer"}]'
    )
    assert provider["inputs"]["skipMetadataApiCheck"] == "false"
    assert provider["inputs"]["secretKey"] == "[secret]"


def test_unknown_stack_names_the_stacks_that_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["preview", "--stack", "nope"])
    assert result.exit_code == 1
    assert "no stack 'nope'" in result.stderr and "aws-dev" in result.stderr


def test_preview_wants_a_file_or_a_stack_not_both() -> None:
    result = runner.invoke(app, ["preview", MINIMAL, "--stack", "aws-dev"])
    assert result.exit_code == 1
    assert "one of them" in result.stderr


def test_preview_of_a_bad_blueprint_fails_without_traceback() -> None:
    result = runner.invoke(app, ["preview", str(INVALID / "unknown-tool.yaml")])
    assert result.exit_code == 1
    assert "capabilities.data.tool" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["validate", "preview"])
def test_a_value_that_looks_like_markup_is_printed_verbatim(command: str, tmp_path: Path) -> None:
    # rich would read `[bold]` as a style and drop it from the message.
    file = tmp_path / "markup.yaml"
    file.write_text(
        "name: fraud\ncloud: aws\nregion: us-east-1\ncapabilities:\n  data:\n    tool: '[bold]x'\n"
    )
    result = runner.invoke(app, [command, str(file)])
    assert result.exit_code == 1
    assert "capabilities.data.tool: '[bold]x' is not available on aws" in result.stderr
