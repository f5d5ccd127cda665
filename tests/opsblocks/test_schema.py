import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from opsblocks.cli import app
from opsblocks.schema import SCHEMA_FILE, blueprint_schema, blueprint_schema_text

ROOT = Path(__file__).parents[2]
SHIPPED = sorted((ROOT / "blueprints").glob("*.yaml"))


def load(path: Path) -> object:
    return YAML(typ="safe").load(path)


def validator() -> jsonschema.Draft202012Validator:
    schema = blueprint_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_schema_accepts_every_shipped_blueprint(path: Path) -> None:
    assert not list(validator().iter_errors(load(path)))


@pytest.mark.parametrize(
    ("fixture", "complaint"),
    [
        ("unknown-tool.yaml", "bigquery"),
        ("unknown-key.yaml", "environmnet"),
        ("unknown-option.yaml", "brnach"),
        ("bad-option-type.yaml", "two"),
    ],
)
def test_schema_rejects_what_validate_rejects(fixture: str, complaint: str) -> None:
    errors = list(validator().iter_errors(load(ROOT / "tests" / "fixtures" / "invalid" / fixture)))
    assert errors
    assert any(complaint in str(e.instance) or complaint in e.message for e in errors)


def test_each_capability_offers_only_its_tools_with_their_options() -> None:
    definitions = blueprint_schema()["$defs"]
    training = definitions["AwsCapabilities"]["properties"]["training"]
    assert "sagemaker-pipelines" in json.dumps(training)
    spec = definitions["AwsSagemakerPipelinesSpec"]
    assert spec["properties"]["tool"]["const"] == "sagemaker-pipelines"
    assert "instance_type" in definitions["SageMakerPipelinesOptions"]["properties"]


def test_committed_schema_file_is_up_to_date() -> None:
    # Shipped blueprints point editors at it: `opsblocks schema > blueprint.schema.json`.
    assert (ROOT / SCHEMA_FILE).read_text() == blueprint_schema_text()


def test_shipped_blueprints_point_their_editor_at_the_schema() -> None:
    for path in SHIPPED:
        assert path.read_text().startswith(f"# yaml-language-server: $schema=../{SCHEMA_FILE}\n")


def test_schema_command_prints_the_schema() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == blueprint_schema()
