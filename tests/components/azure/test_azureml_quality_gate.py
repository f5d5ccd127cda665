"""AzureMlQualityGateValidation: the registered gate component, its schedule and its alert."""

from __future__ import annotations

from typing import Any

import pytest

from components.azure.azureml_quality_gate import spec
from components.azure.azureml_quality_gate.component import (
    AzureMlQualityGateValidation,
    AzureMlQualityGateValidationArgs,
)
from opsblocks.preview import Graph
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    args_of,
    arm_id,
    custom,
    resolved,
    run,
    strays,
)

TAGS = {"team": "risk", "opsblocks:capability": "validation"}
COMPONENT = "opsblocks:index:AzureMlQualityGateValidation"
LOGS = (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
        "Microsoft.OperationalInsights/workspaces/fraud-logs")  # fmt: skip
ACTION_GROUP = (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
                "Microsoft.Insights/actionGroups/fraud-alerts")  # fmt: skip
COMPUTE = (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/"
           "Microsoft.MachineLearningServices/workspaces/fraud-ws/computes/fraud-cpu")  # fmt: skip
DEFAULT_PATH = "azureml://datastores/workspaceblobstore/paths/candidates/latest/metrics.json"
OUTPUTS = ("schedule_name", "alert_rule_id")

VERSION = "azure-native:machinelearningservices:ComponentVersion"
RULE = "azure-native:monitor:ScheduledQueryRule"


def arguments(*, checked: bool = True, **overrides: Any) -> AzureMlQualityGateValidationArgs:
    values: dict[str, Any] = {
        "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "location": "westeurope",
        "workspace_name": "fraud-ws", "cluster_name": "fraud-cpu", "log_workspace_id": LOGS,
        "action_group_id": ACTION_GROUP,
    }  # fmt: skip
    return args_of(AzureMlQualityGateValidationArgs, checked=checked, **values | overrides)


def gate(**overrides: Any) -> Graph:
    return run(lambda: AzureMlQualityGateValidation("gate", arguments(**overrides)))


def outputs(**overrides: Any) -> tuple[AzureMlQualityGateValidation, dict[str, Any]]:
    """The component and its resolved outputs, as the wiring reads them."""
    return resolved(lambda: AzureMlQualityGateValidation("gate", arguments(**overrides)), OUTPUTS)


def version_of(graph: Graph) -> dict[str, Any]:
    return graph.named("gate-component-version", "ComponentVersion").inputs


def job_of(graph: Graph) -> dict[str, Any]:
    schedule = graph.named("gate-schedule", "Schedule").inputs
    action = schedule["properties"]["action"]
    assert action["actionType"] == "CreateJob"
    job: dict[str, Any] = action["jobDefinition"]
    return job


def rule_of(graph: Graph) -> dict[str, Any]:
    return graph.named("gate-failed-runs", "ScheduledQueryRule").inputs


def test_component_is_registered_in_the_workspace_under_its_name() -> None:
    container = gate().named("gate-component", "ComponentContainer").inputs

    assert (container["name"], container["workspaceName"], container["resourceGroupName"]) == (
        "quality-gate", "fraud-ws", RESOURCE_GROUP)  # fmt: skip


def test_component_version_registers_the_compiled_spec_under_its_hash_version() -> None:
    sent = version_of(gate(metric="rmse", threshold=12.5, direction="minimize"))
    expected = spec.component_spec("rmse", 12.5, "minimize", TAGS)

    assert (sent["name"], sent["workspaceName"]) == ("quality-gate", "fraud-ws")
    assert sent["version"] == expected["version"]
    assert sent["properties"]["componentSpec"] == expected
    assert 'METRIC, THRESHOLD, MAXIMIZE = "rmse", 12.5, False' in expected["command"]


def test_changing_the_threshold_registers_a_new_version() -> None:
    assert version_of(gate(threshold=0.85))["version"] != version_of(gate())["version"]


def test_version_is_stable_when_only_schedule_compute_path_or_alerting_change() -> None:
    before = version_of(gate())["version"]
    after = version_of(gate(schedule="0 1 * * 1", cluster_name="other", action_group_id=None,
                            metrics_path="azureml://datastores/lake/paths/m.json"))  # fmt: skip

    assert after["version"] == before


def test_component_assets_are_kept_when_replaced_or_destroyed_and_nothing_is_protected() -> None:
    graph = gate()

    kept = {r.name for r in custom(graph) if r.retain_on_delete}
    assert kept == {"gate-component", "gate-component-version"}
    assert not [r.name for r in graph.resources if r.protect]


def test_schedule_runs_on_the_blueprints_cron_in_utc() -> None:
    schedule = gate(schedule="30 2 * * 1").named("gate-schedule", "Schedule").inputs

    assert schedule["name"] == "quality-gate"
    assert schedule["properties"]["trigger"] == {
        "triggerType": "Cron", "expression": "30 2 * * 1", "timeZone": "UTC"}  # fmt: skip
    assert schedule["properties"]["isEnabled"] is True


def test_scheduled_job_is_a_pipeline_in_the_quality_gate_experiment() -> None:
    job = job_of(gate())

    assert (job["jobType"], job["experimentName"]) == ("Pipeline", "quality-gate")
    assert job["settings"]["default_compute"] == COMPUTE
    assert job["settings"]["force_rerun"] is True


def test_scheduled_job_runs_as_the_compute_s_managed_identity_not_the_deployer_s_token() -> None:
    # Without it the job runs with the schedule creator's AML token: the deployer, who has no
    # data role on the workspace storage.
    assert job_of(gate())["identity"] == {"identityType": "Managed"}


def test_pipeline_node_runs_this_component_version_on_the_cluster() -> None:
    [(node_name, node)] = job_of(gate())["jobs"].items()

    assert node_name == "gate"
    assert node["componentId"] == arm_id(VERSION, "gate-component-version")
    assert node["computeId"] == COMPUTE
    binding = {"job_input_type": "literal", "value": "${{parent.inputs.metrics}}"}
    assert node["inputs"] == {"metrics": binding}


def test_pipeline_input_is_the_metrics_file_at_the_default_path() -> None:
    metrics_file = {"jobInputType": "uri_file", "uri": DEFAULT_PATH, "mode": "Download"}
    assert job_of(gate())["inputs"] == {"metrics": metrics_file}


def test_pipeline_input_follows_a_given_metrics_path() -> None:
    path = "azureml://datastores/curated/paths/models/fraud/metrics.json"

    assert job_of(gate(metrics_path=path))["inputs"]["metrics"]["uri"] == path


def test_alert_queries_the_log_workspace_for_failed_runs_of_the_gate_experiment() -> None:
    rule = rule_of(gate())
    [condition] = rule["criteria"]["allOf"]

    assert rule["scopes"] == [LOGS]
    assert condition["query"] == spec.failed_runs_query()
    assert 'ExperimentName == "quality-gate"' in condition["query"]
    assert 'Status == "Failed"' in condition["query"]
    assert (condition["timeAggregation"], condition["operator"], condition["threshold"]) == (
        "Count", "GreaterThan", 0)  # fmt: skip


def test_alert_is_evaluated_every_five_minutes_with_severity_two() -> None:
    rule = rule_of(gate())

    assert (rule["kind"], rule["enabled"], rule["severity"]) == ("LogAlert", True, 2)
    assert (rule["evaluationFrequency"], rule["windowSize"]) == ("PT5M", "PT15M")
    assert rule["location"] == "westeurope"
    assert "auc at least 0.8" in rule["displayName"]


def test_alert_notifies_the_action_group_when_given() -> None:
    actions = rule_of(gate())["actions"]

    assert actions["actionGroups"] == [ACTION_GROUP]
    assert actions["customProperties"]["quality_gate"] == "auc at least 0.8"


def test_alert_without_action_group_has_no_actions_but_still_fires() -> None:
    rule = rule_of(gate(action_group_id=None))

    assert "actions" not in rule
    assert rule["enabled"] is True


def test_an_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="not maximize or minimize"):
        gate(checked=False, direction="upwards")


def test_every_resource_belongs_to_the_component() -> None:
    assert strays(gate(), COMPONENT) == []


def test_outputs_name_the_component_version_schedule_and_alert() -> None:
    component, found = outputs(threshold=0.9)

    assert component.component_name == "quality-gate"
    assert component.component_version == spec.component_spec("auc", 0.9, "maximize",
                                                               TAGS)["version"]  # fmt: skip
    assert found == {
        "schedule_name": "quality-gate",
        "alert_rule_id": arm_id(RULE, "gate-failed-runs"),
    }
