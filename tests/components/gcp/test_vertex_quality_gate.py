"""GcpVertexQualityGateValidation: what it sends for the failed-run alert and its channel."""

from __future__ import annotations

from typing import Any

import pytest

from components.gcp.vertex_quality_gate.component import (
    GcpVertexQualityGateValidation,
    GcpVertexQualityGateValidationArgs,
    gate_text,
)
from opsblocks.preview import Graph
from tests.recording import PROJECT, args_of, custom, run, strays, untagged

LABELS = {"team": "risk", "opsblocks-capability": "validation"}
COMPONENT = "opsblocks:index:GcpVertexQualityGateValidation"
CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"


def gate(**overrides: Any) -> Graph:
    values: dict[str, Any] = {"labels": LABELS, "project": PROJECT, "region": "us-central1",
                              "pipeline_name": "fraud-prod-training",
                              "alert_email": "ml@example.com", "metric": "rmse",
                              "threshold": 12.5, "direction": "minimize"}  # fmt: skip
    values.update(overrides)
    return run(
        lambda: GcpVertexQualityGateValidation(
            "gate",
            args_of(GcpVertexQualityGateValidationArgs, **values),
        )
    )


def test_gate_reads_as_a_bound_in_words() -> None:
    assert gate_text("rmse", 12.5, "minimize") == "rmse at most 12.5"
    assert gate_text("auc", 0.8, "maximize") == "auc at least 0.8"


def test_no_log_based_metric_the_alert_would_wait_for() -> None:
    # A policy on a metric created in the same `up` is refused (404) until the metric exists.
    assert not gate().of_type("gcp:logging/metric:Metric")


def test_policy_matches_the_failed_runs_of_the_training_pipeline_only() -> None:
    [condition] = gate().named("gate-failed-runs", "AlertPolicy").inputs["conditions"]

    assert set(condition) == {"displayName", "conditionMatchedLog"}
    assert condition["conditionMatchedLog"]["filter"] == (
        'resource.type="aiplatform.googleapis.com/PipelineJob" '
        'AND log_id("aiplatform.googleapis.com/pipeline_job_events") AND severity>=ERROR '
        'AND (labels.pipeline_name="fraud-prod-training" '
        'OR resource.labels.pipeline_job_id=~"^fraud-prod-training-[0-9]" '
        'OR resource.labels.pipeline_job_id=~"^fraud-prod-training-ci-")'
    )


def test_policy_limits_its_notifications_as_log_match_policies_must() -> None:
    strategy = gate().named("gate-failed-runs", "AlertPolicy").inputs["alertStrategy"]

    assert strategy == {"notificationRateLimit": {"period": "300s"}, "autoClose": "1800s"}


def test_policy_documentation_names_the_gate() -> None:
    documentation = gate().named("gate-failed-runs", "AlertPolicy").inputs["documentation"]

    assert "rmse at most 12.5" in documentation["content"]
    assert "fraud-prod-training" in documentation["content"]


def test_alert_email_gets_a_channel_the_policy_notifies() -> None:
    graph = gate()
    channel = graph.named("gate-email", "NotificationChannel").inputs

    assert channel["type"] == "email"
    assert channel["labels"] == {"email_address": "ml@example.com"}
    policy = graph.named("gate-failed-runs", "AlertPolicy").inputs
    assert policy["notificationChannels"] == ["gate-email"]  # the channel's name


def test_without_alert_email_there_is_no_channel() -> None:
    graph = gate(alert_email=None)

    assert not graph.of_type(CHANNEL)
    assert graph.named("gate-failed-runs", "AlertPolicy").inputs.get("notificationChannels") in (
        None, [])  # fmt: skip


def test_an_unknown_direction_is_refused() -> None:
    # By the options model, before any resource exists.
    with pytest.raises(ValueError, match="'maximize' or 'minimize'"):
        gate(direction="upwards")


def test_policy_and_channel_carry_the_blueprint_labels_as_user_labels() -> None:
    graph = gate()

    for name, kind in (("gate-failed-runs", "AlertPolicy"), ("gate-email", "NotificationChannel")):
        assert graph.named(name, kind).inputs["userLabels"] == LABELS, name
    # A channel's `labels` configure it (its address): the labels check reads them as tags.
    assert not [name for name in untagged(graph, LABELS) if name != "gate-email"]


def test_every_resource_is_in_the_blueprints_project_and_descends_from_the_component() -> None:
    graph = gate()

    assert all(r.inputs["project"] == PROJECT for r in custom(graph))
    assert not strays(graph, COMPONENT)
