"""Estimates of AWS platforms against hand-computed costs.

Every expected amount is computed here from the published list prices the book cites (the
SageMaker and CodePipeline pricing pages, Infracost's price tests), never read back from the
estimator: hourly items run 730 h a month.
"""

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from components.aws.sagemaker_pipelines.definition import build_definition
from opsblocks import blueprint, program
from opsblocks.blueprint import Blueprint, Usage
from opsblocks.cost.book import load_book
from opsblocks.cost.estimate import estimate
from opsblocks.cost.model import Estimate, Kind, ResourceCost
from opsblocks.errors import CostError
from opsblocks.preview import UNKNOWN, Graph, Resource, record
from tests.recording import run

ROOT = Path(__file__).parents[3]
SAGEMAKER = ROOT / "blueprints" / "aws-sagemaker.yaml"
CONFIGURATION = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
PARAMETER = "aws:ssm/parameter:Parameter"
PIPELINE = "aws:sagemaker/pipeline:Pipeline"


def load(tmp_path: Path, text: str, name: str = "bp.yaml") -> Blueprint:
    path = tmp_path / name
    path.write_text(text)
    return blueprint.load(path)


@pytest.fixture(scope="module")
def platform() -> tuple[Blueprint, Graph]:
    """The shipped production blueprint: its endpoint is left to the CI/CD deploy stage."""
    bp = blueprint.load(SAGEMAKER)
    return bp, run(lambda: program.build(bp))


@pytest.fixture(scope="module")
def serving_a_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Blueprint, Graph]:
    text = SAGEMAKER.read_text().replace(
        "      # model_data_url: s3://", "      model_data_url: s3://"
    )
    bp = load(tmp_path_factory.mktemp("bp"), text)
    return bp, run(lambda: program.build(bp))


def with_usage(bp: Blueprint, **usage: float) -> Blueprint:
    return bp.model_copy(update={"usage": Usage(**usage)})


def of_type(costed: Estimate, type_token: str) -> list[ResourceCost]:
    return [r for r in costed.resources if r.type == type_token]


def deploy_settings(resources: list[Any]) -> list[Any]:
    """The serving capability's deploy settings among the SSM parameters (the monitoring
    capability publishes its schedule in another, free, one)."""
    return [r for r in resources if r.type == PARAMETER and r.urn.endswith("-deploy-settings")]


def cost(resources: list[ResourceCost]) -> Decimal:
    return sum((r.monthly_cost for r in resources), Decimal(0))


def test_an_endpoint_of_two_m5_large_costs_167_90(serving_a_model: tuple[Blueprint, Graph]) -> None:
    costed = estimate(*serving_a_model)
    [configuration] = of_type(costed, CONFIGURATION)
    [line] = configuration.lines
    assert (line.kind, line.quantity, line.unit) == (Kind.hourly, Decimal(1460), "hours")
    assert line.monthly_cost == Decimal("167.90")  # 2 x 730 h x $0.115
    assert not line.estimate
    assert configuration.capability == "serving"


def test_an_endpoint_the_blueprint_deploys_is_not_counted_twice(
    serving_a_model: tuple[Blueprint, Graph],
) -> None:
    costed = estimate(*serving_a_model)
    parameter = serving_a_model[1].of_type(PARAMETER)[0]
    assert parameter.urn in costed.free
    assert cost(of_type(costed, CONFIGURATION)) + cost(of_type(costed, PARAMETER)) == Decimal(
        "167.90"
    )


def test_an_endpoint_left_to_cicd_is_priced_on_its_deploy_settings(
    platform: tuple[Blueprint, Graph],
) -> None:
    costed = estimate(*platform)
    assert of_type(costed, CONFIGURATION) == []
    [parameter] = of_type(costed, PARAMETER)
    [line] = parameter.lines
    assert line.name.startswith("Endpoint instances (created by the CI/CD deploy stage)")
    assert line.monthly_cost == Decimal("167.90")  # min_instances 2 x 730 h x $0.115


def test_deploy_settings_known_to_the_preview_are_read_from_the_parameter(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    [parameter] = deploy_settings(graph.resources)
    settings = json.dumps({"instance_type": "ml.m5.xlarge", "min_instances": 3})
    known = replace(parameter, inputs={**parameter.inputs, "insecureValue": settings})
    graph = replace(graph, resources=[known if r is parameter else r for r in graph.resources])
    [line] = deploy_settings(list(estimate(bp, graph).resources))[0].lines
    assert line.monthly_cost == Decimal("503.70")  # 3 x 730 h x $0.23


def test_500_gb_of_s3_standard_cost_11_50_once_for_all_buckets(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    costed = estimate(with_usage(bp, storage_gb=500), graph)
    buckets = of_type(costed, "aws:s3/bucket:Bucket")
    assert len(buckets) == len(graph.of_type("aws:s3/bucket:Bucket")) > 1
    [priced] = [b for b in buckets if b.lines]
    assert priced.name == f"{bp.name}-data-curated"
    assert cost(buckets) == Decimal("11.50")  # 500 GB x $0.023


def test_40_training_hours_on_m5_xlarge_cost_9_20(platform: tuple[Blueprint, Graph]) -> None:
    bp, graph = platform
    [pipeline] = of_type(estimate(with_usage(bp, training_hours=40), graph), PIPELINE)
    [training] = [line for line in pipeline.lines if line.usage_key == "training_hours"]
    assert training.name == "Training jobs (1 x ml.m5.xlarge)"
    assert training.monthly_cost == Decimal("9.20")  # 40 h x $0.23
    assert pipeline.capability == "training"


def test_the_training_instance_type_comes_from_a_known_pipeline_definition(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    definition = build_definition(
        role_arn="arn", training_image_uri="image", processing_image_uri="image",
        instance_type="ml.g5.xlarge", instance_count=1, processing_instance_type="ml.m5.large",
        volume_size_gb=30, max_runtime_hours=24, hyperparameters={}, data_uri="s3://d/",
        artifact_uri="s3://a/", kms_key_id="key", subnet_ids=["s"], security_group_id="sg",
        model_package_group_name="group",
    )  # fmt: skip
    [pipeline] = graph.of_type(PIPELINE)
    known = replace(pipeline, inputs={**pipeline.inputs,
                                      "pipelineDefinition": json.dumps(definition)})  # fmt: skip
    graph = replace(graph, resources=[known if r is pipeline else r for r in graph.resources])
    [costed] = of_type(estimate(with_usage(bp, training_hours=40), graph), PIPELINE)
    assert costed.lines[0].monthly_cost == Decimal("56.32")  # 40 h x $1.408


def test_1000_build_minutes_on_general1_small_cost_5_00(platform: tuple[Blueprint, Graph]) -> None:
    bp, graph = platform
    costed = estimate(with_usage(bp, build_minutes=1000), graph)
    assert cost(of_type(costed, "aws:codebuild/project:Project")) == Decimal("5.00")  #
    # The same minutes as CodePipeline V2 action minutes: 1000 x $0.002 (#10).
    assert cost(of_type(costed, "aws:codepipeline/pipeline:Pipeline")) == Decimal("2.00")


def test_alarms_cost_10_cents_each(platform: tuple[Blueprint, Graph]) -> None:
    alarms = of_type(estimate(*platform), "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert len(alarms) == 2
    assert [a.monthly_cost for a in alarms] == [Decimal("0.10")] * 2  #


def test_a_usage_line_without_its_assumption_has_no_quantity_and_no_cost(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    bp = with_usage(bp)  # no assumption at all
    costed = estimate(bp, graph)
    [curated] = [r for r in of_type(costed, "aws:s3/bucket:Bucket") if r.lines]
    [line] = curated.lines
    assert (line.quantity, line.monthly_cost, line.usage_key) == (None, None, "storage_gb")
    assert line.unit_price == Decimal("0.023")
    assumed = with_usage(bp, storage_gb=500, training_hours=40, build_minutes=1000)
    # 11.50 (storage) + 9.20 (training) + 5.00 (CodeBuild) + 2.00 (CodePipeline), no more.
    assert estimate(assumed, graph).monthly_cost - costed.monthly_cost == Decimal("27.70")


def test_estimated_prices_are_flagged(platform: tuple[Blueprint, Graph]) -> None:
    [key] = of_type(estimate(*platform), "aws:kms/key:Key")
    assert key.lines[0].estimate
    assert key.capability == "foundation"


def test_free_types_cost_nothing_and_are_counted_as_free(platform: tuple[Blueprint, Graph]) -> None:
    bp, graph = platform
    costed = estimate(bp, graph)
    roles = graph.of_type("aws:iam/role:Role")
    assert roles
    assert {r.urn for r in roles} <= set(costed.free)
    assert of_type(costed, "aws:iam/role:Role") == []


def test_a_type_the_book_does_not_list_is_unpriced_not_zero(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    urn = "urn:pulumi:test::opsblocks::aws:dynamodb/table:Table::table"
    table = Resource(urn=urn, type="aws:dynamodb/table:Table", name="table", parent=None,
                        custom=True, inputs={}, protect=False, retain_on_delete=False,
                        dependencies=[], provider=None)  # fmt: skip
    costed = estimate(bp, replace(graph, resources=[*graph.resources, table]))
    assert costed.unpriced == ((urn, "aws:dynamodb/table:Table"),)
    assert urn not in costed.free


def test_every_resource_belongs_to_the_capability_of_its_top_component(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    costed = estimate(with_usage(bp, storage_gb=1), graph)
    by_name = {r.name: r.capability for r in costed.resources}
    assert by_name[f"{bp.name}-access-logs"] == "foundation"
    assert by_name[f"{bp.name}-cicd-artifacts"] == "cicd"
    assert by_name[f"{bp.name}-serving-capture"] == "serving"
    assert costed.by_capability()["data"] == Decimal("0.023")


def test_the_estimate_is_deterministic(platform: tuple[Blueprint, Graph]) -> None:
    bp, graph = platform
    first = estimate(bp, graph)
    again = estimate(bp, replace(graph, resources=list(reversed(graph.resources))))
    assert first == again
    order = ["foundation", "data", "registry", "training", "serving", "monitoring", "cicd"]
    capabilities = list(dict.fromkeys(r.capability for r in first.resources))
    assert capabilities == order


def test_a_region_without_prices_names_the_priced_regions(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    sydney = bp.model_copy(update={"region": "ap-southeast-2"})
    with pytest.raises(CostError) as caught:
        estimate(sydney, graph)
    message = str(caught.value)
    assert "no prices for ap-southeast-2" in message
    assert "us-east-1, us-west-2, eu-west-1" in message
    assert "--price-region" in message
    assert estimate(sydney, graph, price_region="us-east-1").region == "us-east-1"


def test_the_price_region_changes_the_prices(platform: tuple[Blueprint, Graph]) -> None:
    bp, graph = platform
    ireland = estimate(bp, graph, price_region="eu-west-1")
    [line] = of_type(ireland, PARAMETER)[0].lines
    assert line.estimate  # no published price for eu-west-1
    assert ireland.region == "eu-west-1"


def test_a_prices_file_overrides_a_price(platform: tuple[Blueprint, Graph], tmp_path: Path) -> None:
    path = tmp_path / "negotiated.yaml"
    path.write_text(
        "cloud: aws\nskus:\n  sagemaker-hosting:\n    unit: hours\n    taken: 2026-12-01\n"
        "    source: our EDP\n    prices:\n"
        "      ml.m5.large: {us-east-1: 0.09, us-west-2: 0.09, eu-west-1: 0.10}\n"
    )
    costed = estimate(*platform, book=load_book("aws", path))
    [line] = of_type(costed, PARAMETER)[0].lines
    assert line.monthly_cost == Decimal("131.40")  # 2 x 730 h x $0.09
    assert not line.estimate
    [alarm, _] = of_type(costed, "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarm.monthly_cost == Decimal("0.10")  # the rest of the book still applies


def test_a_malformed_prices_file_is_a_cost_error_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text("cloud: aws\nskus:\n  kms-key:\n    unit: months\n    taken: soon\n")
    with pytest.raises(CostError, match=f"^{path}:5: skus.kms-key.taken: Input should be a "):
        load_book("aws", path)


def test_offline_the_deploy_settings_come_from_the_serving_options(tmp_path: Path) -> None:
    """`opsblocks preview` knows no role ARN, so the parameter's JSON value is unknown."""
    bp = blueprint.load(SAGEMAKER)
    graph = record(lambda: program.build(bp))
    [parameter] = deploy_settings(graph.resources)
    assert parameter.inputs["insecureValue"] == UNKNOWN
    assert deploy_settings(list(estimate(bp, graph).resources))[0].monthly_cost == Decimal("167.90")

    text = SAGEMAKER.read_text().replace(
        "instance_type: ml.m5.large", "instance_type: ml.c5.9xlarge"
    )
    bigger = load(tmp_path, text)
    with pytest.raises(CostError) as caught:
        estimate(bigger, record(lambda: program.build(bigger)))
    message = str(caught.value)
    assert message.startswith("serving: fraud-detection-serving-deploy-settings ")
    assert "no sagemaker-hosting price for ml.c5.9xlarge in us-east-1" in message
    assert "--prices FILE" in message


@pytest.fixture(scope="module")
def on_eks() -> tuple[Blueprint, Graph]:
    """The shipped EKS blueprint (eu-west-1, dev: two zones, one NAT gateway), recorded as
    `opsblocks preview` does: the foundation's subnet ids are not known."""
    bp = blueprint.load(ROOT / "blueprints" / "aws-mlflow.yaml")
    return bp, record(lambda: program.build(bp))


def test_the_clusters_interface_endpoints_are_priced_per_zone(
    on_eks: tuple[Blueprint, Graph],
) -> None:
    bp, graph = on_eks
    costed = estimate(bp, graph)
    endpoints = [e for e in of_type(costed, "aws:ec2/vpcEndpoint:VpcEndpoint")
                 if e.capability == "kubernetes"]  # fmt: skip
    assert len(endpoints) == 3  # ec2, eks-auth and autoscaling
    for endpoint in endpoints:
        [line] = endpoint.lines
        assert line.name == "Endpoint hours (2 AZs)"
        assert line.monthly_cost == Decimal("16.06")  # 2 AZs x 730 h x $0.011 (eu-west-1)


def test_internet_egress_bills_a_nat_gateway_its_address_and_the_data_it_processes(
    on_eks: tuple[Blueprint, Graph],
) -> None:
    bp, graph = on_eks
    costed = estimate(bp, graph)
    [nat] = of_type(costed, "aws:ec2/natGateway:NatGateway")
    hours, data = nat.lines
    assert hours.monthly_cost == Decimal("35.04")  # 730 h x $0.048 (eu-west-1)
    assert (data.kind, data.monthly_cost) == (Kind.usage, None)
    [address] = of_type(costed, "aws:ec2/eip:Eip")
    assert address.monthly_cost == Decimal("3.65")  # 730 h x $0.005
    assert nat.capability == address.capability == "kubernetes"
