"""What every tool must be, on every cloud, checked in one place over the platforms it is
recorded in: its component is the class its module names, every resource it creates descends
from that component, carries the platform's tags, is protected exactly in prod when it holds
data, and has a price (or is declared free or usage-based) in the cloud's price book. Least
privilege and the cloud's other rules: `tests/opsblocks/check/test_platforms_checked.py` runs
every rule of `opsblocks check` over the same platforms."""

from __future__ import annotations

from opsblocks import catalog, naming
from opsblocks.check.stateful import STATEFUL
from opsblocks.cost.book import load_book
from tests.recording import is_taggable, tags_of
from tests.tools.conftest import Placed


def test_the_component_is_the_class_the_tool_names(
    tool: catalog.Tool, placed: list[Placed]
) -> None:
    cls = tool.load()
    for place in placed:
        assert place.component.type == f"opsblocks:index:{cls.__name__}"


def test_every_resource_of_the_platform_descends_from_a_component(
    tool: catalog.Tool, placed: list[Placed]
) -> None:
    for place in placed:
        components = {r.urn for r in place.graph.resources if r.is_component}
        strays = [r.urn for r in place.graph.resources
                  if r.custom and not r.type.startswith("pulumi:providers:")
                  and r.parent not in components]  # fmt: skip
        assert not strays


def test_every_taggable_resource_carries_the_tools_tags(
    tool: catalog.Tool, placed: list[Placed]
) -> None:
    prefix = "opsblocks-" if tool.cloud.value == "gcp" else "opsblocks:"  # GCP: label keys
    for place in placed:
        taggable = [r for r in place.resources() if is_taggable(r.type)]
        for resource in taggable:
            tags = tags_of(resource)
            assert tags.get(f"{prefix}blueprint") == place.blueprint.name, resource.urn
            assert tags.get(f"{prefix}capability") == tool.capability.value, resource.urn
            assert tags.get(f"{prefix}tool") == tool.name, resource.urn
            assert tags.items() >= place.blueprint.tags.items(), resource.urn


def test_stateful_resources_are_protected_and_retained_exactly_in_prod(
    tool: catalog.Tool, placed: list[Placed]
) -> None:
    for place in placed:
        for resource in (r for r in place.resources() if r.type in STATEFUL):
            wanted = (place.prod, place.prod)
            assert (resource.protect, resource.retain_on_delete) == wanted, resource.urn


def test_every_resource_the_tool_creates_is_in_the_price_book(
    tool: catalog.Tool, placed: list[Placed]
) -> None:
    book = load_book(tool.cloud.value)
    types = {r.type for place in placed for r in place.resources()}
    assert types
    # A provider (the Kubernetes one a cluster tool makes) is no cloud resource: the estimate
    # leaves providers out, so the book has no row for them.
    billed = {t for t in types if not t.startswith("pulumi:providers:")}
    assert not sorted(t for t in billed if book.classification(t) is None)


# Names derived from the blueprint's name, by resource type: the rule's resource, and where the
# name is (the logical name, autonamed with a suffix; or an explicit id input).
NAMED = {
    "aws:iam/role:Role": ("IAM role", None),
    "aws:s3/bucket:Bucket": ("S3 bucket", None),
    "gcp:storage/bucket:Bucket": ("Cloud Storage bucket", None),
    "gcp:serviceaccount/account:Account": ("service account", "accountId"),
}


def test_every_name_the_tool_derives_is_under_a_naming_rule(
    tool: catalog.Tool, placed: list[Placed]
) -> None:
    # `validate` checks the blueprint's name against the cloud's and the chosen tools' rules:
    # a name longer than any rule foresees would pass validation and fail at `pulumi up`.
    rules = naming.CLOUD_RULES[tool.cloud.value] + tool.names
    for place in placed:
        for resource in (r for r in place.resources() if r.type in NAMED):
            kind, field = NAMED[resource.type]
            name = resource.inputs[field] if field else resource.name
            suffix = name.removeprefix(place.blueprint.name)
            room = [len(r.longest_role) for r in rules if r.resource == kind]
            assert room and max(room) >= len(suffix), f"{kind} {name}: no rule foresees {suffix}"
