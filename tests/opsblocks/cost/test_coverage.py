"""Every resource type an AWS component can create is classified in the price book, and every
priced or usage type has a pricer: nothing a blueprint deploys is silently left at zero.

The types are enumerated by previewing every shipped blueprint and one generated blueprint
per tool (with the tools it needs), with the options that switch on optional resources.
"""

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from opsblocks import blueprint, catalog, program
from opsblocks.blueprint import Blueprint
from opsblocks.cost.aws import PRICERS
from opsblocks.cost.book import PriceBook, load_book
from opsblocks.cost.estimate import estimate
from opsblocks.cost.model import Classification
from opsblocks.model import REQUIRES, Capability, Cloud
from opsblocks.preview import Graph
from tests.recording import run

ROOT = Path(__file__).parents[3]
SHIPPED = sorted((ROOT / "blueprints").glob("aws-*.yaml"))
TOOLS = catalog.tools(Cloud.aws)

# Options that make each tool create everything it can. A new tool must say here how.
ALL_RESOURCES: dict[str, dict[str, object]] = {
    "s3": {},
    "sagemaker-model-registry": {},
    "sagemaker-pipelines": {},
    "sagemaker-endpoint": {"model_data_url": "s3://opsblocks-models/fraud/model.tar.gz"},
    "sagemaker-quality-gate": {"approval": "automatic"},
    "sagemaker-model-monitor": {
        "alert_email": "ml@example.com",
        "baseline_uri": "s3://opsblocks-models/fraud/baseline",
        "drift_features": ["amount", "age"],
    },
    "codepipeline": {"repository": "acme/fraud-model"},
}


def needed(capability: Capability) -> list[Capability]:
    """`capability` and, transitively, the capabilities whose outputs it consumes."""
    found = [capability]
    for required in REQUIRES.get(capability, ()):
        found += [c for c in needed(required) if c not in found]
    return found


def generated(directory: Path, name: str, tools: Iterable[catalog.Tool], env: str) -> Blueprint:
    capabilities = {t.capability.value: {"tool": t.name, "options": ALL_RESOURCES[t.name]}
                    for t in tools}  # fmt: skip
    path = directory / f"{name}.yaml"
    path.write_text(json.dumps({"name": name, "cloud": "aws", "region": "us-east-1",
                                "environment": env, "capabilities": capabilities}))  # fmt: skip
    return blueprint.load(path)


def first_tool(capability: Capability) -> catalog.Tool:
    return catalog.tools(Cloud.aws, capability)[0]


@pytest.fixture(scope="module")
def platforms(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Blueprint, Graph]]:
    directory = tmp_path_factory.mktemp("blueprints")
    blueprints = [blueprint.load(path) for path in SHIPPED]
    for index, tool in enumerate(TOOLS):  # names: at most 24 characters on AWS
        others = [first_tool(c) for c in needed(tool.capability)[1:]]
        name = f"{tool.capability.value}-{index}"
        blueprints.append(generated(directory, name, [tool, *others], "prod"))
    for env in ("dev", "prod"):
        blueprints.append(generated(directory, f"every-tool-{env}", TOOLS, env))
    return [(bp, run(lambda bp=bp: program.build(bp))) for bp in blueprints]


def created_types(platforms: list[tuple[Blueprint, Graph]]) -> set[str]:
    return {r.type for _, graph in platforms for r in graph.resources
            if r.custom and not r.type.startswith("pulumi:providers:")}  # fmt: skip


def unclassified(types: Iterable[str], book: PriceBook) -> list[str]:
    return sorted(t for t in types if book.classification(t) is None)


def test_every_tool_says_which_options_create_all_its_resources() -> None:
    assert {t.name for t in TOOLS} <= ALL_RESOURCES.keys()


def test_the_generated_blueprints_switch_on_the_optional_resources(
    platforms: list[tuple[Blueprint, Graph]],
) -> None:
    types = created_types(platforms)
    assert "aws:sagemaker/endpointConfiguration:EndpointConfiguration" in types
    assert "aws:sagemaker/monitoringSchedule:MonitoringSchedule" in types
    assert "aws:sns/topicSubscription:TopicSubscription" in types


def test_every_created_resource_type_is_classified_in_the_book(
    platforms: list[tuple[Blueprint, Graph]],
) -> None:
    assert unclassified(created_types(platforms), load_book("aws")) == []


def test_a_type_missing_from_the_book_is_caught(platforms: list[tuple[Blueprint, Graph]]) -> None:
    book = load_book("aws")
    resources = {t: e for t, e in book.resources.items() if t != "aws:kms/alias:Alias"}
    reduced = replace(book, resources=resources)
    assert unclassified(created_types(platforms), reduced) == ["aws:kms/alias:Alias"]


def test_every_priced_or_usage_type_has_a_pricer_and_every_pricer_a_priced_type() -> None:
    book = load_book("aws")
    billed = {t for t, e in book.resources.items() if e.classification is not Classification.free}
    assert billed == PRICERS.keys()


def test_every_platform_is_costed_with_nothing_left_unpriced(
    platforms: list[tuple[Blueprint, Graph]],
) -> None:
    for bp, graph in platforms:
        costed = estimate(bp, graph)
        assert costed.unpriced == (), bp.name
        cloud = [r for r in graph.resources if r.custom and not r.type.startswith("pulumi:")]
        assert len(costed.resources) + len(costed.free) == len(cloud), bp.name
        assert costed.monthly_cost > 0, bp.name
