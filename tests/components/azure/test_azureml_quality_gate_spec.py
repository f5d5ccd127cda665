"""The quality gate's compiled command, component spec, pipeline node and failed-run query.

The command is run as Azure ML runs it: through the shell, with `${{inputs.metrics}}`
replaced by the path of the downloaded metrics file and `python` on the PATH.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from components.azure.azureml_quality_gate import spec

TAGS = {"team": "risk", "opsblocks:capability": "validation"}
PLACEHOLDER = "${{inputs.metrics}}"


@pytest.fixture(scope="module")
def path_with_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PATH on which `python` is this interpreter, as on the curated image."""
    bin_dir = tmp_path_factory.mktemp("bin")
    (bin_dir / "python").symlink_to(sys.executable)
    return f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"


def gate_exit(
    tmp_path: Path, path_with_python: str, metrics: Any, *, metric: str = "auc",
    threshold: float = 0.8, direction: str = "maximize", raw: str | None = None,
) -> int:  # fmt: skip
    """Exit status of the compiled command on a metrics file holding `metrics` (or `raw`)."""
    metrics_file = tmp_path / "metrics.json"
    metrics_file.write_text(raw if raw is not None else json.dumps(metrics))
    command = spec.gate_command(metric, threshold, direction)
    assert command.count(PLACEHOLDER) == 1
    done = subprocess.run(
        ["bash", "-c", command.replace(PLACEHOLDER, str(metrics_file))],
        env={"PATH": path_with_python},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr or raw is not None, done.stderr
    return done.returncode


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.93, spec.PASSED), (0.8, spec.PASSED), (1, spec.PASSED), (0.79, spec.MISSED),
     (0, spec.MISSED)],
)  # fmt: skip
def test_maximize_passes_at_or_above_the_threshold_and_fails_below(
    tmp_path: Path, path_with_python: str, value: float, expected: int
) -> None:
    assert gate_exit(tmp_path, path_with_python, {"auc": value, "f1": 0.1}) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10.0, spec.PASSED), (12.5, spec.PASSED), (12.51, spec.MISSED), (40, spec.MISSED)],
)
def test_minimize_passes_at_or_below_the_threshold_and_fails_above(
    tmp_path: Path, path_with_python: str, value: float, expected: int
) -> None:
    code = gate_exit(tmp_path, path_with_python, {"rmse": value}, metric="rmse",
                     threshold=12.5, direction="minimize")  # fmt: skip

    assert code == expected


@pytest.mark.parametrize("direction", spec.DIRECTIONS)
@pytest.mark.parametrize(
    "metrics",
    [{"accuracy": 0.99}, {}, {"auc": None}, {"auc": "0.9"}, {"auc": True}, [0.9]],
    ids=["other-metric", "empty", "null", "string", "boolean", "not-an-object"],
)
def test_a_missing_or_non_numeric_metric_fails_in_both_directions(
    tmp_path: Path, path_with_python: str, direction: str, metrics: Any
) -> None:
    code = gate_exit(tmp_path, path_with_python, metrics, direction=direction)

    assert code == spec.MISSING


@pytest.mark.parametrize("direction", spec.DIRECTIONS)
def test_a_nan_metric_fails_in_both_directions(
    tmp_path: Path, path_with_python: str, direction: str
) -> None:
    code = gate_exit(tmp_path, path_with_python, None, direction=direction, raw='{"auc": NaN}')

    assert code == spec.MISSING


def test_an_unreadable_metrics_file_fails(tmp_path: Path, path_with_python: str) -> None:
    assert gate_exit(tmp_path, path_with_python, None, raw="not json") != spec.PASSED


def test_the_bar_is_compiled_into_the_command_not_left_to_job_inputs() -> None:
    command = spec.gate_command("rmse", 12.5, "minimize")

    assert re.findall(r"\$\{\{(.+?)\}\}", command) == ["inputs.metrics"]
    assert 'METRIC, THRESHOLD, MAXIMIZE = "rmse", 12.5, False' in command
    assert command.startswith("python -c '")


@pytest.mark.parametrize(
    ("metric", "threshold", "direction", "message"),
    [('auc"; import os; "', 0.8, "maximize", "not a name"),
     ("auc", float("nan"), "maximize", "not a finite number"),
     ("auc", float("inf"), "maximize", "not a finite number"),
     ("auc", 0.8, "upwards", "not maximize or minimize")],
)  # fmt: skip
def test_a_bar_that_cannot_be_compiled_safely_is_refused(
    metric: str, threshold: float, direction: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        spec.component_spec(metric, threshold, direction, TAGS)


def test_gate_reads_as_a_bound_in_words() -> None:
    assert spec.gate_text("auc", 0.8, "maximize") == "auc at least 0.8"
    assert spec.gate_text("rmse", 12.5, "minimize") == "rmse at most 12.5"


def test_component_spec_declares_its_metrics_input_command_and_curated_environment() -> None:
    component = spec.component_spec("auc", 0.8, "maximize", TAGS)

    assert (component["name"], component["type"]) == ("quality-gate", "command")
    assert component["inputs"] == {
        "metrics": {"type": "uri_file", "optional": False,
                    "description": component["inputs"]["metrics"]["description"]}
    }  # fmt: skip
    assert component["environment"] == (
        "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
    )
    assert component["command"] == spec.gate_command("auc", 0.8, "maximize")
    assert "auc at least 0.8" in component["display_name"]
    assert component["tags"] == TAGS


def test_component_is_not_deterministic_so_each_schedule_reruns_it() -> None:
    # Same input path every day, new content: a reused result would skip the check.
    assert spec.component_spec("auc", 0.8, "maximize", TAGS)["is_deterministic"] is False


def test_version_is_a_short_hash_of_the_rest_of_the_spec() -> None:
    component = spec.component_spec("auc", 0.8, "maximize", TAGS)
    rest = {key: value for key, value in component.items() if key != "version"}

    assert re.fullmatch(r"[0-9a-f]{12}", component["version"])
    assert component["version"] == spec.spec_version(rest)


def test_version_is_stable_for_the_same_bar() -> None:
    first = spec.component_spec("auc", 0.8, "maximize", dict(TAGS))["version"]
    again = spec.component_spec("auc", 0.8, "maximize", dict(reversed(list(TAGS.items()))))

    assert again["version"] == first


@pytest.mark.parametrize(
    "changed",
    [("auc", 0.81, "maximize"), ("f1", 0.8, "maximize"), ("auc", 0.8, "minimize")],
    ids=["threshold", "metric", "direction"],
)
def test_a_new_bar_gets_a_new_version(changed: tuple[str, float, str]) -> None:
    before = spec.component_spec("auc", 0.8, "maximize", TAGS)["version"]

    assert spec.component_spec(*changed, TAGS)["version"] != before


def test_new_tags_get_a_new_version_so_no_version_is_updated_in_place() -> None:
    before = spec.component_spec("auc", 0.8, "maximize", TAGS)["version"]

    assert spec.component_spec("auc", 0.8, "maximize", TAGS | {"x": "y"})["version"] != before


def test_pipeline_node_runs_the_component_on_the_compute_fed_the_pipeline_input() -> None:
    jobs = spec.pipeline_jobs("component-id", "compute-id")

    assert jobs == {
        "gate": {
            "name": "gate", "type": "command", "componentId": "component-id",
            "computeId": "compute-id", "_source": "REMOTE.WORKSPACE.COMPONENT",
            "inputs": {"metrics": {"job_input_type": "literal",
                                   "value": "${{parent.inputs.metrics}}"}},
        }
    }  # fmt: skip


def test_failed_run_query_names_the_experiment_and_the_failed_status() -> None:
    query = spec.failed_runs_query()

    assert 'ExperimentName == "quality-gate"' in query
    assert 'Status == "Failed"' in query
    assert "AmlRunStatusChangedEvent" in query
    assert 'EventType == "JobFailed"' in query
    # AmlRunStatusChangedEvent has no ExperimentName: runs are matched through the cluster jobs.
    assert "RunId in ((gate_jobs | distinct JobName))" in query
