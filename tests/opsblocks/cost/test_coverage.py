"""Every resource type a component of any cloud with a price book can create is classified in
that book, and every priced or usage type has a pricer: nothing a blueprint deploys is
silently left at zero.

The types are enumerated, per cloud, by previewing every shipped blueprint of the cloud and
one generated blueprint per tool (with the tools it needs), with the options that switch on
optional resources.
"""

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from opsblocks import blueprint, catalog
from opsblocks.cost.book import BOOKS, PriceBook, load_book
from opsblocks.cost.estimate import Pricer, estimate
from opsblocks.cost.model import Classification
from opsblocks.model import Cloud
from tests.platforms import Platforms, every_tool

ROOT = Path(__file__).parents[3]
CLOUDS = sorted(Cloud(book.stem) for book in BOOKS.glob("*.yaml"))
# Types only the options above create: proof that the generated blueprints switch them on.
OPTIONAL: dict[Cloud, set[str]] = {
    Cloud.aws: {
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        "aws:sagemaker/monitoringSchedule:MonitoringSchedule",
        "aws:sns/topicSubscription:TopicSubscription",
    },
    Cloud.azure: {
        "azure-native:machinelearningservices:OnlineDeployment",
        "azure-native:resources:Deployment",
        "azure-native:monitor:ActionGroup",
    },
    Cloud.gcp: {
        "gcp:workbench/instance:Instance",
        "gcp:monitoring/notificationChannel:NotificationChannel",
        "gcp:cloudbuild/trigger:Trigger",
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
    },
}

# A free type of each book, taken out to show that a missing type is caught.
SOME_FREE_TYPE = {
    Cloud.aws: "aws:kms/alias:Alias",
    Cloud.azure: "azure-native:resources:ResourceGroup",
    Cloud.gcp: "gcp:kms/keyRing:KeyRing",
}


def pricers(cloud: Cloud) -> Mapping[str, Pricer]:
    found: Mapping[str, Pricer] = importlib.import_module(f"opsblocks.cost.{cloud}").PRICERS
    return found


@pytest.fixture(scope="module", params=CLOUDS, ids=str)
def cloud(request: pytest.FixtureRequest) -> Cloud:
    found: Cloud = request.param
    return found


@pytest.fixture(scope="module")
def platforms(cloud: Cloud) -> Platforms:
    return every_tool(cloud)


def created_types(platforms: Platforms) -> set[str]:
    return {r.type for _, graph in platforms for r in graph.resources
            if r.custom and not r.type.startswith("pulumi:providers:")}  # fmt: skip


def unclassified(types: Iterable[str], book: PriceBook) -> list[str]:
    return sorted(t for t in types if book.classification(t) is None)


def test_every_cloud_with_components_has_a_book() -> None:
    assert {Cloud.aws, Cloud.azure, Cloud.gcp} <= set(CLOUDS)


def test_every_tools_coverage_options_are_valid_options(cloud: Cloud) -> None:
    for tool in catalog.tools(cloud):
        tool.options.model_validate(tool.coverage)


def test_the_previewed_platforms_cover_every_shipped_blueprint_and_tool(
    cloud: Cloud, platforms: Platforms
) -> None:
    names = {bp.name for bp, _ in platforms}
    shipped = {blueprint.load(p).name for p in (ROOT / "blueprints").glob(f"{cloud}-*.yaml")}
    assert shipped and shipped <= names
    used = {(c, spec.tool) for bp, _ in platforms for c, spec in bp.tools().items()}
    assert {(t.capability, t.name) for t in catalog.tools(cloud)} <= used


def test_the_generated_blueprints_switch_on_the_optional_resources(
    cloud: Cloud, platforms: Platforms
) -> None:
    assert OPTIONAL[cloud] <= created_types(platforms)


def test_every_created_resource_type_is_classified_in_the_book(
    cloud: Cloud, platforms: Platforms
) -> None:
    assert unclassified(created_types(platforms), load_book(cloud)) == []


def test_a_type_missing_from_the_book_is_caught(cloud: Cloud, platforms: Platforms) -> None:
    book = load_book(cloud)
    missing = SOME_FREE_TYPE[cloud]
    reduced = replace(book, resources={t: e for t, e in book.resources.items() if t != missing})
    assert unclassified(created_types(platforms), reduced) == [missing]


def test_every_priced_or_usage_type_has_a_pricer_and_every_pricer_a_priced_type(
    cloud: Cloud,
) -> None:
    book = load_book(cloud)
    billed = {t for t, e in book.resources.items() if e.classification is not Classification.free}
    assert billed == pricers(cloud).keys()


def test_every_platform_is_costed_with_nothing_left_unpriced(
    cloud: Cloud, platforms: Platforms
) -> None:
    for bp, graph in platforms:
        costed = estimate(bp, graph)
        assert costed.unpriced == (), bp.name
        resources = [r for r in graph.resources if r.custom and not r.type.startswith("pulumi:")]
        assert len(costed.resources) + len(costed.free) == len(resources), bp.name
        assert costed.monthly_cost > 0, bp.name
