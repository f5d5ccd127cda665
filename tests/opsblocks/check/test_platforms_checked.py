"""Every shipped blueprint, and every tool of every cloud with all its options on (in dev and
prod), passes every rule or carries a waiver with its reason; and a weakened platform is
flagged: the rules read what the components really record."""

from pathlib import Path

import pytest

from opsblocks.check import docs
from opsblocks.check.registry import rules
from opsblocks.check.rule import Group
from opsblocks.commands.check import report_of
from opsblocks.model import Cloud
from tests.opsblocks.check.cases import cases
from tests.platforms import ROOT, every_tool

README = (Path(ROOT) / "README.md").read_text()


@pytest.fixture(scope="module", params=list(Cloud), ids=str)
def cloud(request: pytest.FixtureRequest) -> Cloud:
    found: Cloud = request.param
    return found


def test_every_platform_of_the_cloud_passes_every_rule_or_waives_it_with_a_reason(
    cloud: Cloud,
) -> None:
    for bp, graph in every_tool(cloud):
        report = report_of(bp, graph)
        found = [f"{f.rule.id} {f.node.name}: {f.message}" for f in report.open]
        assert found == [], bp.name
        assert all(len(f.waiver.reason) >= 10 for f in report.waived if f.waiver), bp.name


def test_every_rule_of_the_cloud_flags_types_its_platforms_create(cloud: Cloud) -> None:
    """A rule aimed at a type (or a type token spelt) no component records checks nothing."""
    created = {r.type for _, graph in every_tool(cloud) for r in graph.resources}
    for rule in rules():
        if rule.group is not Group(cloud.value):
            continue
        _, failing = cases(rule)
        flagged = {n.type for case in failing for n in case.stack.nodes if n.name in case.flagged}
        assert flagged and flagged <= created, f"{rule.id}: {sorted(flagged - created)}"


def test_the_readme_rule_table_is_generated_from_the_rules() -> None:
    start, end = "<!-- rules:start -->\n", "<!-- rules:end -->"
    table = README.split(start, 1)[1].split(end, 1)[0]
    assert table == docs.markdown_table(), "regenerate: opsblocks rules --format markdown"
