"""AzureMlModelMonitorMonitoring: endpoint metric alerts, an e-mail action group, drift monitor."""

from __future__ import annotations

from typing import Any

import pulumi_azure_native as azure_native
import pytest

from components.azure.azureml_model_monitor.component import (
    AzureMlModelMonitorMonitoring,
    AzureMlModelMonitorMonitoringArgs,
)
from opsblocks.preview import Graph
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    args_of,
    resolved,
    run,
    strays,
)

COMPONENT = "opsblocks:index:AzureMlModelMonitorMonitoring"
TAGS = {"team": "risk", "opsblocks:capability": "monitoring"}
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
WORKSPACE = f"{GROUP}/providers/Microsoft.MachineLearningServices/workspaces/fraud-prod-ws"
ENDPOINT_ID = f"{WORKSPACE}/onlineEndpoints/fraud-prod-a1b2c3"
# What serving gives as the id of "blue" (the recording mocks make it up).
DEPLOYMENT_ID = (
    f"{GROUP}/providers/Microsoft.machinelearningservices/OnlineDeployment/serving-deployment"
)

ENDPOINT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
IDENTITY = f"{GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-platform"
TRAINING = "azureml://datastores/curated/paths/training/"
EMAIL = "ml@example.com"
ACTION_GROUP_ID = f"{GROUP}/providers/Microsoft.monitor/ActionGroup/monitoring-alerts"
OUTPUTS = ("monitor_schedule_name", "latency_alert_id", "error_alert_id")


def arguments(*, checked: bool = True, **overrides: Any) -> AzureMlModelMonitorMonitoringArgs:
    args: dict[str, Any] = {
        "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "location": "westeurope",
        "workspace_name": "fraud-prod-ws", "endpoint_name": "fraud-prod-a1b2c3",
        "endpoint_id": ENDPOINT_ID, "deployment_name": "blue", "compute_identity_id": IDENTITY,
        "reference_data_uri": TRAINING,
    }  # fmt: skip
    return args_of(AzureMlModelMonitorMonitoringArgs, checked=checked, **args | overrides)


def monitoring(**overrides: Any) -> Graph:
    return run(lambda: AzureMlModelMonitorMonitoring("monitoring", arguments(**overrides)))


def outputs(**overrides: Any) -> tuple[AzureMlModelMonitorMonitoring, dict[str, Any]]:
    """The component and its resolved outputs, as the wiring reads them."""
    return resolved(
        lambda: AzureMlModelMonitorMonitoring("monitoring", arguments(**overrides)),
        (*OUTPUTS, "action_group_id"),
    )


def ignored_changes(**overrides: Any) -> dict[str, list[str]]:
    """`ignore_changes` of each registered resource, by name."""
    return {r.name: r.ignore_changes for r in monitoring(**overrides).resources}


def alert(graph: Graph, role: str) -> dict[str, Any]:
    return graph.named(f"monitoring-{role}", "MetricAlert").inputs


def definition(graph: Graph) -> dict[str, Any]:
    schedule = graph.named("monitoring-drift", "Schedule").inputs
    action: dict[str, Any] = schedule["properties"]["action"]
    assert action["actionType"] == "CreateMonitor"
    return dict(action["monitorDefinition"])


def test_alert_email_gets_an_action_group_with_the_common_alert_schema() -> None:
    group = monitoring(alert_email=EMAIL).named("monitoring-alerts", "ActionGroup").inputs

    assert (group["location"], group["enabled"]) == ("global", True)
    assert len(group["groupShortName"]) <= 12
    assert group["emailReceivers"] == [
        {"name": "ml-team", "emailAddress": EMAIL, "useCommonAlertSchema": True}]  # fmt: skip


def test_alerts_notify_the_action_group() -> None:
    graph = monitoring(alert_email=EMAIL)
    group = graph.named("monitoring-alerts")

    for role in ("latency", "errors"):
        assert alert(graph, role)["actions"] == [{"actionGroupId": ACTION_GROUP_ID}]
        assert group.urn in graph.named(f"monitoring-{role}").dependencies


def test_without_an_email_there_is_no_action_group_and_alerts_have_no_actions() -> None:
    graph = monitoring()
    component, _ = outputs()

    assert not graph.of_type("azure-native:monitor:ActionGroup")
    assert "actions" not in alert(graph, "latency")
    assert "actions" not in alert(graph, "errors")
    assert component.action_group_id is None


@pytest.mark.parametrize("role", ["latency", "errors"])
def test_alerts_watch_the_endpoint_over_five_minutes(role: str) -> None:
    sent = alert(monitoring(), role)

    assert sent["scopes"] == [ENDPOINT_ID]
    assert (sent["targetResourceType"], sent["location"]) == (ENDPOINT_TYPE, "global")
    assert (sent["windowSize"], sent["enabled"], sent["autoMitigate"]) == ("PT5M", True, True)
    assert sent["criteria"]["odataType"] == (
        "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"
    )


def test_latency_alert_fires_above_the_p99_threshold() -> None:
    sent = alert(monitoring(latency_p99_ms=250), "latency")
    [criterion] = sent["criteria"]["allOf"]

    assert (criterion["metricNamespace"], criterion["metricName"]) == (
        ENDPOINT_TYPE, "RequestLatency_P99")  # fmt: skip
    assert (criterion["timeAggregation"], criterion["operator"]) == ("Average", "GreaterThan")
    assert (criterion["threshold"], criterion["criterionType"]) == (
        250, "StaticThresholdCriterion")  # fmt: skip
    assert (sent["severity"], sent["evaluationFrequency"]) == (2, "PT1M")


def test_error_alert_counts_server_errors_per_five_minutes() -> None:
    sent = alert(monitoring(max_errors_per_5min=10), "errors")
    [criterion] = sent["criteria"]["allOf"]

    assert (criterion["metricNamespace"], criterion["metricName"]) == (
        ENDPOINT_TYPE, "RequestsPerMinute")  # fmt: skip
    assert criterion["dimensions"] == [
        {"name": "statusCodeClass", "operator": "Include", "values": ["5xx"]}]  # fmt: skip
    # An average per minute over the 5-minute window: 10 in 5 minutes is 2 per minute.
    assert (criterion["timeAggregation"], criterion["threshold"]) == ("Average", 2.0)
    assert criterion["operator"] == "GreaterThan"
    assert (sent["severity"], sent["evaluationFrequency"]) == (1, "PT5M")


def test_drift_schedule_runs_on_the_cron_of_the_options() -> None:
    schedule = monitoring(schedule="30 2 * * 1").named("monitoring-drift", "Schedule").inputs

    assert schedule["name"] == "fraud-prod-a1b2c3-blue-drift"
    assert schedule["workspaceName"] == "fraud-prod-ws"
    assert schedule["properties"]["trigger"] == {
        "triggerType": "Cron", "expression": "30 2 * * 1", "timeZone": "UTC"}  # fmt: skip


@pytest.mark.parametrize(("task", "task_type"), [("classification", "Classification"),
                                                 ("regression", "Regression")])  # fmt: skip
def test_with_a_deployment_the_enabled_monitor_targets_its_id(task: str, task_type: str) -> None:
    graph = monitoring(task=task, deployment_id=DEPLOYMENT_ID)
    schedule = graph.named("monitoring-drift", "Schedule").inputs

    assert schedule["properties"]["isEnabled"] is True
    assert definition(graph)["monitoringTarget"] == {
        "taskType": task_type, "deploymentId": DEPLOYMENT_ID}  # fmt: skip


def test_with_a_deployment_the_schedule_waits_for_it() -> None:
    def build() -> None:
        blue = azure_native.machinelearningservices.OnlineDeployment(
            "blue",
            resource_group_name=RESOURCE_GROUP,
            workspace_name="fraud-prod-ws",
            endpoint_name="fraud-prod-a1b2c3",
            deployment_name="blue",
            properties=azure_native.machinelearningservices.ManagedOnlineDeploymentArgs(
                endpoint_compute_type="Managed"
            ),
        )
        AzureMlModelMonitorMonitoring("monitoring", arguments(deployment_id=blue.id))

    graph = run(build)
    blue_id = f"{GROUP}/providers/Microsoft.machinelearningservices/OnlineDeployment/blue"

    assert graph.named("blue").urn in graph.named("monitoring-drift").dependencies
    assert definition(graph)["monitoringTarget"]["deploymentId"] == blue_id
    assert ignored_changes(deployment_id=DEPLOYMENT_ID)["monitoring-drift"] == []


def test_without_a_deployment_the_schedule_waits_disabled_for_the_deploy_stage() -> None:
    graph = monitoring(deployment_name="green")
    schedule = graph.named("monitoring-drift", "Schedule").inputs

    assert schedule["properties"]["isEnabled"] is False
    # The deployment the deploy stage will create, by the id it will have.
    target = definition(graph)["monitoringTarget"]
    assert target == {
        "taskType": "Classification",
        "deploymentId": f"{ENDPOINT_ID}/deployments/green",
    }
    # The deploy stage enables it: a later `pulumi up` does not turn it off again.
    ignored = ignored_changes(deployment_name="green")["monitoring-drift"]
    assert ignored == ["properties.isEnabled"]


def test_monitor_runs_on_serverless_spark_as_the_compute_identity() -> None:
    compute = definition(monitoring())["computeConfiguration"]

    assert compute == {
        "computeType": "ServerlessSpark", "instanceType": "standard_e4s_v3",
        "runtimeVersion": "3.4",
        "computeIdentity": {"computeIdentityType": "ManagedIdentity", "identity": {
            "type": "UserAssigned", "userAssignedIdentities": [IDENTITY]}},
    }  # fmt: skip


def test_drift_signals_alert_on_jensen_shannon_distance_for_every_feature_type() -> None:
    signals = definition(monitoring(drift_threshold=0.25))["signals"]

    assert {name: s["signalType"] for name, s in signals.items()} == {
        "data-drift": "DataDrift", "prediction-drift": "PredictionDrift"}  # fmt: skip
    for signal in signals.values():
        assert signal["metricThresholds"] == [
            {"dataType": "Numerical", "metric": "JensenShannonDistance",
             "threshold": {"value": 0.25}},
            {"dataType": "Categorical", "metric": "JensenShannonDistance",
             "threshold": {"value": 0.25}},
        ]  # fmt: skip
        assert signal["notificationTypes"] == ["AmlNotification"]
    assert signals["data-drift"]["features"] == {"filterType": "AllFeatures"}


def test_data_drift_compares_a_week_of_collected_inputs_with_the_training_data() -> None:
    signal = definition(monitoring())["signals"]["data-drift"]

    assert signal["productionData"] == {
        "inputDataType": "Rolling", "jobInputType": "uri_folder",
        "uri": "azureml:fraud-prod-a1b2c3-blue-model_inputs:1", "dataContext": "model_inputs",
        "windowSize": "P7D", "windowOffset": "P0D"}  # fmt: skip
    # Model monitoring reads its reference data as MLTable: the folder holds an MLTable file.
    assert signal["referenceData"] == {
        "inputDataType": "Fixed", "jobInputType": "mltable", "uri": TRAINING,
        "dataContext": "training"}  # fmt: skip


def test_a_training_data_asset_is_read_as_a_table_too() -> None:
    reference = definition(monitoring(reference_data_uri="azureml:training-data:1"))["signals"][
        "data-drift"]["referenceData"]  # fmt: skip

    assert (reference["jobInputType"], reference["uri"]) == ("mltable", "azureml:training-data:1")


def test_prediction_drift_compares_this_week_of_outputs_with_the_week_before() -> None:
    signal = definition(monitoring())["signals"]["prediction-drift"]
    outputs_asset = "azureml:fraud-prod-a1b2c3-blue-model_outputs:1"

    assert signal["productionData"]["uri"] == signal["referenceData"]["uri"] == outputs_asset
    assert (signal["productionData"]["windowSize"], signal["productionData"]["windowOffset"]) == (
        "P7D", "P0D")  # fmt: skip
    assert (signal["referenceData"]["windowSize"], signal["referenceData"]["windowOffset"]) == (
        "P7D", "P7D")  # fmt: skip


def test_monitor_emails_its_alerts_only_when_an_address_is_given() -> None:
    with_email = definition(monitoring(alert_email=EMAIL))
    without = definition(monitoring())

    assert with_email["alertNotificationSettings"] == {
        "emailNotificationSettings": {"emails": [EMAIL]}}  # fmt: skip
    assert "alertNotificationSettings" not in without


@pytest.mark.parametrize("email", [EMAIL, None])
def test_every_resource_belongs_to_the_component_and_nothing_is_protected(
    email: str | None,
) -> None:
    graph = monitoring(alert_email=email)

    assert strays(graph, COMPONENT) == []
    assert not [r.name for r in graph.resources if r.protect or r.retain_on_delete]


def test_outputs_name_the_action_group_the_schedule_and_the_alerts() -> None:
    _, found = outputs(alert_email=EMAIL)

    assert found["action_group_id"] == ACTION_GROUP_ID
    assert found["monitor_schedule_name"] == "fraud-prod-a1b2c3-blue-drift"
    assert found["latency_alert_id"] == (
        f"{GROUP}/providers/Microsoft.monitor/MetricAlert/monitoring-latency"
    )
    assert found["error_alert_id"] == (
        f"{GROUP}/providers/Microsoft.monitor/MetricAlert/monitoring-errors"
    )


def test_an_unknown_task_is_refused() -> None:
    with pytest.raises(ValueError, match="task"):
        AzureMlModelMonitorMonitoring("monitoring", arguments(checked=False, task="ranking"))
