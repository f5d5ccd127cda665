"""What the Azure ML quality gate registers and runs, as plain data: no resources here.

The blueprint's bar (metric, threshold, direction) is compiled into the command of an Azure ML
command component: a short stdlib-only Python script that reads the candidate model's metrics
JSON and exits non-zero when the metric misses the bar or is missing, which fails the job. The
bar is part of the command text, not a job input, so no run can loosen it. The component's
version is a hash of its spec: a new bar registers a new version (component versions are
immutable in Azure ML) and an unchanged bar keeps the same one.

The failed-run query: AmlRunStatusChangedEvent has no ExperimentName column (its columns are
RunId, ParentRunId, RootRunId, Status, ...), AmlComputeJobEvent has one (and JobName, the run id
of a job on a cluster). A gate run counts as failed when either the cluster reports its job
failed or the run's status changed to Failed, for runs of the gate's experiment.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import pulumi

NAME = "quality-gate"
"""Component name, and the experiment the scheduled gate runs belong to."""
EXPERIMENT = NAME
INPUT = "metrics"
"""The component's one input: the metrics JSON of the candidate model (`uri_file`)."""
# A curated environment of the public `azureml` registry; the script needs Python's stdlib only.
ENVIRONMENT = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
SCHEMA = "https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json"
METRIC_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
DIRECTIONS = ("maximize", "minimize")

# Exit codes of the script: anything but 0 fails the job, and so the pipeline run.
PASSED, MISSED, MISSING = 0, 1, 2

# Single-quoted for the shell below: the script holds no single quote, `$` or backslash.
SCRIPT = """import json, math, sys
METRIC, THRESHOLD, MAXIMIZE = {metric}, {threshold}, {maximize}
with open(sys.argv[1]) as source:
    metrics = json.load(source)
value = metrics.get(METRIC) if isinstance(metrics, dict) else None
if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
    print("quality gate FAILED:", METRIC, "is missing or not a number in", sys.argv[1])
    sys.exit({missing})
passed = value >= THRESHOLD if MAXIMIZE else value <= THRESHOLD
bound = "at least" if MAXIMIZE else "at most"
verdict = "passed" if passed else "FAILED"
print("quality gate", verdict + ":", METRIC, "=", value, "must be", bound, THRESHOLD)
sys.exit({passed} if passed else {missed})
"""


def check_gate(metric: str, threshold: float, direction: str) -> None:
    """Refuse a bar that cannot be compiled safely: the metric name becomes Python source."""
    if not METRIC_NAME.match(metric):
        raise ValueError(f"metric '{metric}' is not a name like auc or f1_macro")
    if isinstance(threshold, bool) or not math.isfinite(threshold):
        raise ValueError(f"threshold {threshold!r} is not a finite number")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction '{direction}' is not maximize or minimize")


def gate_text(metric: str, threshold: float, direction: str) -> str:
    """`auc at least 0.8`, `rmse at most 12.5`."""
    bound = "at least" if direction == "maximize" else "at most"
    return f"{metric} {bound} {threshold:g}"


def gate_script(metric: str, threshold: float, direction: str) -> str:
    """The Python source that checks a metrics file (its path is the first argument)."""
    check_gate(metric, threshold, direction)
    return SCRIPT.format(
        metric=json.dumps(metric),
        threshold=repr(float(threshold)),
        maximize=direction == "maximize",
        passed=PASSED,
        missed=MISSED,
        missing=MISSING,
    )


def gate_command(metric: str, threshold: float, direction: str) -> str:
    """The component's command: the script inline, applied to the metrics input."""
    script = gate_script(metric, threshold, direction)
    if {"'", "$", "\\"} & set(script):
        raise RuntimeError("the gate script must survive single quoting in the shell")
    return f"python -c '{script}' \"${{{{inputs.{INPUT}}}}}\""


def spec_version(spec: Mapping[str, Any]) -> str:
    """First 12 hex digits of the SHA-256 of the spec's canonical JSON."""
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def component_spec(
    metric: str, threshold: float, direction: str, tags: Mapping[str, str]
) -> dict[str, Any]:
    """The command component's spec (the CLI v2 YAML schema, as the REST API takes it).

    Its version hashes everything else in it, tags included: a registered version is never
    updated in place, whatever changes."""
    gate = gate_text(metric, threshold, direction)
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "name": NAME,
        "type": "command",
        "display_name": f"Quality gate: {gate}",
        "description": f"Fails unless the candidate model's {gate} (metrics JSON input).",
        "tags": dict(tags),
        # Re-run on every schedule: the metrics file keeps its path while its content changes.
        "is_deterministic": False,
        "inputs": {
            INPUT: {
                "type": "uri_file",
                "optional": False,
                "description": 'Metrics JSON of the candidate model: {"<metric>": <value>}',
            }
        },
        "command": gate_command(metric, threshold, direction),
        "environment": ENVIRONMENT,
    }
    return spec | {"version": spec_version(spec)}


def pipeline_jobs(component_id: pulumi.Input[str], compute_id: pulumi.Input[str]) -> dict[str, Any]:
    """The pipeline's one node: the gate component on the cluster, fed the pipeline's input."""
    return {
        "gate": {
            "name": "gate",
            "type": "command",
            "componentId": component_id,
            "computeId": compute_id,
            "inputs": {
                INPUT: {"job_input_type": "literal", "value": f"${{{{parent.inputs.{INPUT}}}}}"}
            },
            "_source": "REMOTE.WORKSPACE.COMPONENT",
        }
    }


def failed_runs_query(experiment: str = EXPERIMENT) -> str:
    """KQL: one row per failed run of the gate's experiment in the alert's time window."""
    return f"""let gate_jobs = AmlComputeJobEvent
| where ExperimentName == "{experiment}";
union
    (gate_jobs
    | where EventType == "JobFailed" or ExecutionState == "Failed"
    | project TimeGenerated, RunId = JobName),
    (AmlRunStatusChangedEvent
    | where Status == "Failed"
    | where RunId in ((gate_jobs | distinct JobName))
    | project TimeGenerated, RunId)
| summarize FailedAt = max(TimeGenerated) by RunId"""
