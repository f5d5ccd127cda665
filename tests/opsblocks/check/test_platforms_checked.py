"""Every shipped blueprint, and every tool of every cloud with all its options on (in dev and
prod), passes every rule or carries a waiver with its reason; and a weakened platform is
flagged: the rules read what the components really record."""

import copy
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from opsblocks.check import docs
from opsblocks.check.graph import Node, Stack
from opsblocks.check.recorded import stack_of
from opsblocks.check.registry import rules
from opsblocks.check.rule import Group
from opsblocks.commands.check import report_of
from opsblocks.model import Cloud
from tests.opsblocks.check.cases import cases
from tests.platforms import ROOT, every_tool, recorded

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


# Rules that guard resource types no component creates yet (a firewall rule, a service-account
# key, a log-based metric ...): they hold the line for the components that will.
GUARDS = {"OB-GCP-NET-004", "OB-GCP-IAM-002", "OB-GCP-MON-001", "OB-GCP-LOGS-001",
          "OB-GCP-CB-002"}  # fmt: skip


def test_every_rule_of_the_cloud_flags_a_type_its_platforms_create(cloud: Cloud) -> None:
    """A rule aimed at a type (or a type token spelt) no component records checks nothing."""
    created = {r.type for _, graph in every_tool(cloud) for r in graph.resources}
    for rule in rules():
        if rule.group is not Group(cloud.value) or rule.id in GUARDS:
            continue
        _, failing = cases(rule)
        flagged = {n.type for case in failing for n in case.stack.nodes if n.name in case.flagged}
        assert flagged & created, f"{rule.id} flags only {sorted(flagged)}"


def test_the_readme_rule_table_is_generated_from_the_rules() -> None:
    start, end = "<!-- rules:start -->\n", "<!-- rules:end -->"
    table = README.split(start, 1)[1].split(end, 1)[0]
    assert table == docs.markdown_table(), "regenerate: opsblocks rules --format markdown"


def weakened(stack: Stack, name: str, change: Callable[[Node], Node]) -> Stack:
    """The stack with the custom resource called `name` changed."""
    [target] = [n for n in stack.custom() if n.name == name]
    return replace(stack, nodes=tuple(change(n) if n is target else n for n in stack.nodes))


def setting(path: str, value: object) -> Callable[[Node], Node]:
    """Set the input at a dotted path (`rules.0.applyServerSideEncryptionByDefault`)."""

    def change(node: Node) -> Node:
        inputs = copy.deepcopy(dict(node.inputs))
        *parents, last = path.split(".")
        holder: Any = inputs
        for part in parents:
            holder = holder[int(part)] if isinstance(holder, list) else holder[part]
        holder[int(last) if isinstance(holder, list) else last] = value
        return replace(node, inputs=inputs)

    return change


WEAKENINGS = [
    # (shipped blueprint, resource, weakening, the rule that must flag exactly that resource)
    ("aws-sagemaker.yaml", "fraud-detection-data-raw", lambda n: replace(n, protect=False),
     "OB-ALL-DATA-001"),
    ("aws-sagemaker.yaml", "fraud-detection-data-raw-encryption",
     setting("rules.0.applyServerSideEncryptionByDefault", {"sseAlgorithm": "AES256"}),
     "OB-AWS-S3-001"),
    ("aws-sagemaker.yaml", "fraud-detection-cicd-test",
     setting("environment.privilegedMode", True), "OB-AWS-CB-002"),
    ("gcp-vertex.yaml", "demand-forecast-data-raw",
     setting("publicAccessPrevention", "inherited"), "OB-GCP-GCS-002"),
    ("gcp-vertex.yaml", "demand-forecast-key", setting("rotationPeriod", "31536000s"),
     "OB-GCP-KMS-001"),
    ("azure-ml.yaml", "fraud-detection-data-account", setting("allowBlobPublicAccess", True),
     "OB-AZURE-ST-003"),
    ("azure-ml.yaml", "fraud-detection-data-account", lambda n: replace(n, provider=None),
     "OB-ALL-PROV-001"),
]  # fmt: skip


@pytest.mark.parametrize(("file", "name", "change", "rule_id"), WEAKENINGS,
                         ids=[w[-1] + "-" + w[1] for w in WEAKENINGS])  # fmt: skip
def test_weakening_a_shipped_platform_is_flagged(
    file: str, name: str, change: Callable[[Node], Node], rule_id: str
) -> None:
    bp, graph = recorded(Path(ROOT) / "blueprints" / file)
    stack = replace(stack_of(graph), environment_override=bp.environment.value)
    [rule] = [r for r in rules() if r.id == rule_id]
    assert rule.run(stack) == []
    flagged = {f.node.name for f in rule.run(weakened(stack, name, change))}
    assert name in flagged or flagged == {name.removesuffix("-encryption")}, flagged
