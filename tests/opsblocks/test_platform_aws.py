"""Whole AWS platforms, as `pulumi up` would register them: the security defaults hold for
every resource of every shipped blueprint, not only in the component tests."""

import json
from pathlib import Path

import pytest

from opsblocks import blueprint, program, render
from opsblocks.blueprint import Blueprint
from opsblocks.model import Capability
from opsblocks.preview import UNKNOWN, Graph, record
from tests.platforms import recorded
from tests.recording import ACCOUNT_ID, as_list, policies, run, statements

ROOT = Path(__file__).parents[2]
SHIPPED = sorted((ROOT / "blueprints").glob("aws-*.yaml"))


def build(bp: Blueprint) -> Graph:
    return run(lambda: program.build(bp))


@pytest.fixture(params=SHIPPED, ids=lambda p: p.name)
def shipped(request: pytest.FixtureRequest) -> tuple[Blueprint, Graph]:
    return recorded(request.param)


def with_model(tmp_path: Path) -> Blueprint:
    """The production blueprint serving a model right away: endpoint and monitor schedule too."""
    text = (
        (ROOT / "blueprints" / "aws-sagemaker.yaml")
        .read_text()
        .replace("      # model_data_url: s3://", "      model_data_url: s3://")
    )
    path = tmp_path / "with-model.yaml"
    path.write_text(text)
    return blueprint.load(path)


def test_no_policy_allows_every_action_or_a_whole_service_on_everything(
    shipped: tuple[Blueprint, Graph],
) -> None:
    _, graph = shipped
    for resource, document in policies(graph):
        for statement in statements(document):
            if statement["Effect"] != "Allow":
                continue
            actions = as_list(statement.get("Action", []))
            assert "*" not in actions, resource.urn
            if resource.type == "aws:kms/key:Key":
                continue  # in a key policy, Resource "*" means this key only
            if "*" in as_list(statement.get("Resource", [])):
                assert not [a for a in actions if a.endswith(":*")], (resource.urn, statement)


def test_a_model_artifact_deploys_the_endpoint_and_its_monitor(tmp_path: Path) -> None:
    graph = build(with_model(tmp_path))
    assert graph.of_type("aws:sagemaker/endpoint:Endpoint")
    assert graph.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule")


def test_changing_serving_options_leaves_other_capabilities_untouched(tmp_path: Path) -> None:
    before = build(blueprint.load(ROOT / "blueprints" / "aws-sagemaker.yaml"))
    path = tmp_path / "bigger.yaml"
    path.write_text(
        (ROOT / "blueprints" / "aws-sagemaker.yaml")
        .read_text()
        .replace("instance_type: ml.m5.large", "instance_type: ml.c5.2xlarge")
    )
    after = build(blueprint.load(path))
    serving = "opsblocks:index:AwsSagemakerEndpointServing"

    def untouched(graph: Graph) -> dict[str, object]:
        return {r.urn: r.inputs for r in graph.resources if serving not in r.urn}

    assert untouched(before) == untouched(after)
    assert {r.urn for r in before.resources} == {r.urn for r in after.resources}


def test_offline_preview_leaves_cloud_values_unknown_instead_of_inventing_them() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "aws-sagemaker.yaml")
    graph = record(lambda: program.build(bp))
    key = graph.named(f"{bp.name}-key", "Key")
    assert key.inputs["policy"] == UNKNOWN  # needs the account id
    assert ACCOUNT_ID not in render.as_json(bp, graph)
    assert not [w for w in graph.warnings if "deprecated" in w]


def test_preview_json_is_the_same_every_time() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "aws-minimal.yaml")
    first = render.as_json(bp, record(lambda: program.build(bp)))
    second = render.as_json(bp, record(lambda: program.build(bp)))
    assert first == second
    assert json.loads(first)["outputs"]


def test_outputs_name_every_capability_entry_point() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "aws-sagemaker.yaml")
    graph = record(lambda: program.build(bp))
    assert {"data_uri", "model_package_group", "training_pipeline", "endpoint_name",
            "gate_topic_arn", "dashboard_url", "cicd_pipeline"} <= graph.outputs.keys()  # fmt: skip
    assert Capability.cicd in bp.tools()


def test_endpoint_released_by_cicd_keeps_the_configuration_the_deploy_stage_set(
    tmp_path: Path,
) -> None:
    bp = with_model(tmp_path)
    assert Capability.cicd in bp.tools()
    [endpoint] = build(bp).of_type("aws:sagemaker/endpoint:Endpoint")
    assert endpoint.ignore_changes == ["endpointConfigName"]


def test_serving_role_may_pull_the_image_training_registers_models_with(tmp_path: Path) -> None:
    image = f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/trainer:7"
    path = tmp_path / "trained-with-own-image.yaml"
    path.write_text(
        (ROOT / "blueprints" / "aws-sagemaker.yaml")
        .read_text()
        .replace(
            "      instance_type: ml.m5.xlarge\n",
            f"      instance_type: ml.m5.xlarge\n      image_uri: {image}\n",
        )
    )
    graph = build(blueprint.load(path))
    policy = json.loads(graph.named("fraud-detection-serving-role", "RolePolicy").inputs["policy"])
    pulled = {r for s in statements(policy) if "ecr:BatchGetImage" in as_list(s["Action"])
              for r in as_list(s["Resource"])}  # fmt: skip
    assert f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/trainer" in pulled


def deploy_variables(graph: Graph) -> dict[str, str]:
    project = graph.named("fraud-detection-cicd-deploy", "Project").inputs
    return {v["name"]: v["value"] for v in project["environment"]["environmentVariables"]}


def test_the_endpoint_ci_cd_creates_gets_the_monitoring_schedule_pulumi_cannot_create() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "aws-sagemaker.yaml")
    graph = record(lambda: program.build(bp))
    [published] = [p for p in graph.of_type("aws:ssm/parameter:Parameter")
                   if p.name == "fraud-detection-monitoring-schedule-settings"]  # fmt: skip

    assert not graph.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule")
    assert deploy_variables(graph)["MONITORING_PARAMETER_NAME"] == published.inputs["name"]
    assert "cicd_release_pipeline" in graph.outputs


def test_with_a_model_pulumi_creates_the_schedule_and_the_deploy_stage_does_not(
    tmp_path: Path,
) -> None:
    graph = build(with_model(tmp_path))

    assert graph.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule")
    assert "MONITORING_PARAMETER_NAME" not in deploy_variables(graph)


def test_without_data_quality_the_alarms_alone_watch_the_endpoint(tmp_path: Path) -> None:
    path = tmp_path / "no-model-monitor.yaml"
    path.write_text(
        (ROOT / "blueprints" / "aws-sagemaker.yaml")
        .read_text()
        .replace("options: {schedule: daily,", "options: {data_quality: false,")
    )
    graph = build(blueprint.load(path))

    assert not graph.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule")
    assert not [p for p in graph.of_type("aws:ssm/parameter:Parameter") if "monitoring" in p.name]
    assert "MONITORING_PARAMETER_NAME" not in deploy_variables(graph)
    assert len(graph.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")) >= 2
