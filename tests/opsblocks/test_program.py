"""The `pulumi up` path: __main__.py reads the stack config the way the Pulumi CLI passes it."""

import runpy
from pathlib import Path

import pulumi
import pytest
from ruamel.yaml import YAML

from opsblocks.preview import Graph
from tests.recording import TEST_INVOKES, fake_outputs

ROOT = Path(__file__).parents[2]


def run_main(config: dict[str, str]) -> Graph:
    from opsblocks.preview import record

    def program() -> dict[str, object]:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
        return {}

    return record(program, invokes=TEST_INVOKES, outputs=fake_outputs, config=config)


def stack_config(stack: str) -> dict[str, str]:
    document = YAML(typ="safe").load(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    return {key: str(value) for key, value in document["config"].items()}


def test_main_builds_the_blueprint_named_by_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the Pulumi CLI runs the program from the project folder
    graph = run_main(stack_config("aws-dev"))
    components = {r.name for r in graph.resources if r.is_component}
    assert {"churn-sandbox", "churn-sandbox-data", "churn-sandbox-registry",
            "churn-sandbox-training"} <= components  # fmt: skip
    provider = graph.of_type("pulumi:providers:aws")
    assert provider and provider[0].inputs["region"] == "eu-west-1"


def test_main_without_blueprint_config_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(pulumi.RunError, match="does not set opsblocks:blueprint"):
        run_main({})


def test_main_rejects_a_stack_region_that_contradicts_the_blueprint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    config = {**stack_config("aws-dev"), "aws:region": "us-west-2"}
    with pytest.raises(pulumi.RunError, match="sets aws:region to us-west-2 but"):
        run_main(config)


def test_main_reports_a_bad_blueprint_without_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Fraud\ncloud: aws\nregion: us-east-1\ncapabilities: {}\n")
    monkeypatch.chdir(ROOT)
    with pytest.raises(pulumi.RunError, match=r"bad.yaml:1: name: 'Fraud' is not a valid name"):
        run_main({"opsblocks:blueprint": str(bad)})
