"""What every shipped platform, on every cloud, must be: one component per capability, every
resource under a component, stateful resources protected only in prod, tags everywhere, and
a preview that loads no other cloud's SDK."""

import subprocess
import sys

import pytest

from opsblocks.blueprint import Blueprint
from opsblocks.check.stateful import STATEFUL
from opsblocks.preview import Graph
from tests.platforms import ROOT, recorded
from tests.recording import custom, is_taggable, tags_of

SHIPPED = sorted((ROOT / "blueprints").glob("*.yaml"))
# The SDKs a preview of each cloud's largest blueprint loads, and nothing else.
SDKS = {
    "aws-sagemaker.yaml": ["pulumi_aws"],
    "azure-ml.yaml": ["pulumi_azure_native", "pulumi_azuredevops"],
    "gcp-vertex.yaml": ["pulumi_gcp"],
}


@pytest.fixture(params=SHIPPED, ids=lambda p: p.name)
def shipped(request: pytest.FixtureRequest) -> tuple[Blueprint, Graph]:
    return recorded(request.param)


def test_every_cloud_ships_blueprints() -> None:
    assert {p.name.split("-")[0] for p in SHIPPED} == {"aws", "azure", "gcp"}


def test_every_capability_and_the_foundation_build_a_component(
    shipped: tuple[Blueprint, Graph],
) -> None:
    bp, graph = shipped
    components = {r.name for r in graph.resources if r.is_component and r.parent is None}
    assert components == {bp.name} | {f"{bp.name}-{cap.value}" for cap in bp.tools()}


def test_every_resource_belongs_to_a_component(shipped: tuple[Blueprint, Graph]) -> None:
    _, graph = shipped
    components = {r.urn for r in graph.resources if r.is_component}
    for resource in custom(graph):
        if not resource.type.startswith("pulumi:providers:"):
            assert resource.parent in components, resource.urn


def test_every_taggable_resource_carries_the_platform_tags(
    shipped: tuple[Blueprint, Graph],
) -> None:
    bp, graph = shipped
    prefix = "opsblocks-" if bp.cloud.value == "gcp" else "opsblocks:"  # GCP: label keys
    taggable = [r for r in custom(graph) if is_taggable(r.type)]
    assert taggable
    for resource in taggable:
        tags = tags_of(resource)
        assert tags.get(f"{prefix}blueprint") == bp.name, resource.urn
        assert {f"{prefix}capability", f"{prefix}tool"} <= tags.keys(), resource.urn
        assert tags.items() >= bp.tags.items(), resource.urn


def test_stateful_resources_are_protected_and_retained_only_in_prod(
    shipped: tuple[Blueprint, Graph],
) -> None:
    bp, graph = shipped
    package = "azure-native" if bp.cloud.value == "azure" else bp.cloud.value
    stateful = [r for r in graph.resources
                if r.type in STATEFUL and r.type.startswith(f"{package}:")]  # fmt: skip
    assert stateful
    prod = bp.environment.value == "prod"
    for resource in stateful:
        assert (resource.protect, resource.retain_on_delete) == (prod, prod), resource.urn


@pytest.mark.parametrize(("name", "sdks"), SDKS.items())
def test_a_preview_loads_only_its_clouds_sdk(name: str, sdks: list[str]) -> None:
    code = (
        "import sys; from opsblocks import blueprint, preview, program; "
        f"bp = blueprint.load({str(ROOT / 'blueprints' / name)!r}); "
        "preview.record(lambda: program.build(bp)); "
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('pulumi_')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(sdks)
