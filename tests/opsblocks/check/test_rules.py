"""Every rule: well described, with pass and fail fixtures it gets right."""

import re
from pathlib import Path

import pytest

from opsblocks.check import registry
from opsblocks.check import rules as rules_package
from opsblocks.check.rule import Group, Rule
from tests.opsblocks.check.cases import FIXTURES, cases, fixture_file

RULES = registry.rules()
RULES_DIR = Path(rules_package.__file__).parent
ID = re.compile(r"^OB-(AWS|AZURE|GCP|ALL)-[A-Z0-9]{2,8}-\d{3}$")


@pytest.fixture(params=RULES, ids=lambda r: r.id)
def rule(request: pytest.FixtureRequest) -> Rule:
    found: Rule = request.param
    return found


def test_there_are_at_least_sixty_rules_across_the_three_clouds() -> None:
    assert len(RULES) >= 60
    assert {r.group for r in RULES} == set(Group)


def test_every_rule_is_described_in_one_line_each(rule: Rule) -> None:
    assert ID.fullmatch(rule.id), rule.id
    for text in (rule.title, rule.protects, rule.fix, rule.source):
        assert text.strip() and "\n" not in text, rule.id
    assert len(rule.fix) <= 120, rule.id


def test_every_rule_module_has_fixtures_and_every_fixture_a_rule() -> None:
    modules = {registry.module_of(r) for r in RULES}
    files = {str(p.relative_to(FIXTURES).with_suffix("")) for p in FIXTURES.rglob("*.yaml")}
    sources = {
        str(p.relative_to(RULES_DIR).with_suffix(""))
        for p in RULES_DIR.glob("*/*.py")
        if not p.name.startswith("_")
    }
    assert sources == modules, "a rule module without a RULE, or outside the registry"
    assert files == modules


def test_the_rule_passes_its_pass_fixtures(rule: Rule) -> None:
    passing, _ = cases(rule)
    assert passing, f"{fixture_file(rule)} has no pass case"
    for case in passing:
        flagged = [f"{f.node.name}: {f.message}" for f in rule.run(case.stack)]
        assert flagged == [], f"{rule.id} {case.label}"


def test_the_rule_flags_exactly_the_bad_resources_of_its_fail_fixtures(rule: Rule) -> None:
    _, failing = cases(rule)
    assert failing, f"{fixture_file(rule)} has no fail case"
    for case in failing:
        flags = rule.run(case.stack)
        assert {f.node.name for f in flags} == case.flagged, f"{rule.id} {case.label}"
        assert all(f.message.strip() for f in flags), rule.id
