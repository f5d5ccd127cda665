"""AwsSagemakerQualityGateValidation: what it sends for the topic, its policy and the rules."""

from __future__ import annotations

import json
from typing import Any

from components.aws.sagemaker_quality_gate.component import (
    AwsSagemakerQualityGateValidation,
    AwsSagemakerQualityGateValidationArgs,
)
from opsblocks.preview import Graph, Resource
from tests.recording import args_of, fake_outputs, run, statements

KEY = "arn:aws:kms:us-east-1:123456789012:key/platform"
TAGS = {"team": "risk", "opsblocks:capability": "validation"}
COMPONENT = "opsblocks:index:AwsSagemakerQualityGateValidation"
RULES = ("gate-model-registered", "gate-pipeline-failed")


def gate(**overrides: Any) -> Graph:
    args: dict[str, Any] = {"tags": TAGS, "kms_key_arn": KEY,
                            "model_package_group_name": "fraud-prod-models",
                            "pipeline_name": "fraud-prod-training"}  # fmt: skip
    args.update(overrides)
    return run(
        lambda: AwsSagemakerQualityGateValidation(
            "gate", args_of(AwsSagemakerQualityGateValidationArgs, **args)
        )
    )


def arn(resource: Resource) -> str:
    return str(fake_outputs(resource.type, resource.name)["arn"])


def pattern(graph: Graph, rule: str) -> dict[str, Any]:
    return json.loads(graph.named(rule, "EventRule").inputs["eventPattern"])


def test_topic_is_encrypted_with_the_platform_key() -> None:
    assert gate().named("gate-topic", "Topic").inputs["kmsMasterKeyId"] == KEY


def test_only_this_gates_rules_may_publish_to_the_topic() -> None:
    graph = gate()
    topic = graph.named("gate-topic", "Topic")

    policy = graph.named("gate-topic", "TopicPolicy").inputs
    assert policy["arn"] == arn(topic)
    [statement] = statements(json.loads(policy["policy"]))
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"
    assert statement["Resource"] == arn(topic)
    rules = [arn(graph.named(rule, "EventRule")) for rule in RULES]
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": rules}}


def test_registration_rule_filters_on_this_model_package_group() -> None:
    registered = pattern(gate(), "gate-model-registered")

    assert registered == {
        "source": ["aws.sagemaker"],
        "detail-type": ["SageMaker Model Package State Change"],
        "detail": {"ModelPackageGroupName": ["fraud-prod-models"]},
    }


def test_failure_rule_filters_on_failed_executions_of_this_pipeline() -> None:
    failed = pattern(gate(), "gate-pipeline-failed")

    assert failed["source"] == ["aws.sagemaker"]
    assert failed["detail-type"] == ["SageMaker Model Building Pipeline Execution Status Change"]
    assert failed["detail"] == {
        "currentPipelineExecutionStatus": ["Failed"],
        "pipelineArn": [{"suffix": ":pipeline/fraud-prod-training"}],
    }


def test_rules_are_enabled_and_target_the_topic() -> None:
    graph = gate()
    topic = arn(graph.named("gate-topic", "Topic"))

    for rule in RULES:
        assert graph.named(rule, "EventRule").inputs["state"] == "ENABLED", rule
        assert graph.named(rule, "EventTarget").inputs["arn"] == topic, rule


def test_notifications_name_the_gate_and_the_approval() -> None:
    graph = gate(metric="rmse", threshold=0.25, direction="minimize", approval="automatic")

    for rule in RULES:
        transformer = graph.named(rule, "EventTarget").inputs["inputTransformer"]
        # EventBridge needs a JSON template; a JSON string reaches e-mail as plain text.
        message = json.loads(transformer["inputTemplate"])
        assert "rmse at most 0.25" in message, rule
        placeholders = {part.split(">")[0] for part in message.split("<")[1:]}
        assert placeholders == set(transformer["inputPaths"]), rule
    registered = graph.named("gate-model-registered", "EventTarget").inputs["inputTransformer"]
    assert "is approved" in registered["inputTemplate"]


def test_no_email_subscription_without_alert_email() -> None:
    graph = gate()

    assert graph.of_type("aws:sns/topicSubscription:TopicSubscription") == []


def test_alert_email_subscribes_to_the_topic() -> None:
    graph = gate(alert_email="ml@example.com")

    [subscription] = graph.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert subscription.inputs["protocol"] == "email"
    assert subscription.inputs["endpoint"] == "ml@example.com"
    assert subscription.inputs["topic"] == arn(graph.named("gate-topic", "Topic"))
