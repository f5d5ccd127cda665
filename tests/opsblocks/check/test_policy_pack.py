"""The policy pack in policies/: every rule through the pack's adapter, over the rule's
fixtures given as the engine gives a stack to a policy (proxied properties that raise on
values unknown in a preview, parent and provider as resources, the root stack resource)."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from ruamel.yaml import YAML

from opsblocks.check import registry
from opsblocks.check.graph import UNKNOWN, Node, Stack
from opsblocks.check.rule import Rule
from policies.adapter import Facts, facts_of, policies, policy, stack_of
from tests.opsblocks.check.cases import Case, cases

ROOT = Path(__file__).parents[3]
RULES = registry.rules()
STACK_URN = "urn:pulumi:fixture::opsblocks::pulumi:pulumi:Stack::opsblocks-fixture"


def engine_props(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: engine_props(v) for k, v in value.items()}
    if isinstance(value, list):
        return [engine_props(v) for v in value]
    return UNKNOWN_STRING_VALUE if value == UNKNOWN else value


def as_engine_gives_it(stack: Stack) -> list[PolicyResource]:
    root = policy_resource(Node(urn=STACK_URN, type="pulumi:pulumi:Stack", name="s", custom=False))
    made = {node.urn: policy_resource(node) for node in stack.nodes}
    for node in stack.nodes:
        resource = made[node.urn]
        resource.parent = made[node.parent] if node.parent else root
        resource.dependencies = [made[d] for d in node.dependencies]
        if node.provider:
            provider = made[node.provider]
            resource.provider = PolicyProviderResource(
                provider.resource_type, provider.props, provider.urn, provider.name
            )
    return [root, *made.values()]


def policy_resource(node: Node) -> PolicyResource:
    options = PolicyResourceOptions(
        protect=node.protect, ignore_changes=list(node.ignore_changes),
        delete_before_replace=None, aliases=[], custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
    )  # fmt: skip
    props = unknown_checking_proxy(engine_props(dict(node.inputs)))
    return PolicyResource(node.type, props, node.urn, node.name, options, None, None, [], {})


def pack_visible(stack: Stack) -> Stack:
    """What the engine's policy API shows of a stack: no retain_on_delete, no deployed stack."""
    nodes = tuple(replace(n, retain_on_delete=None) for n in stack.nodes)
    return Stack(nodes, stack.environment_override)


def violations(rule: Rule, case: Case) -> set[str]:
    """The URNs the rule's policy reports, with the case's environment as the blueprint's."""
    found: set[str] = set()
    args = StackValidationArgs(as_engine_gives_it(case.stack))
    made = policy(rule, lambda: Facts(case.stack.environment_override, {}))
    made.validate(args, lambda message, urn=None: found.add(urn or ""))
    return found


@pytest.fixture(scope="module")
def pack() -> dict[str, StackValidationPolicy]:
    made = policies(facts=Facts)
    assert all(isinstance(p, StackValidationPolicy) for p in made)
    return {p.name: p for p in made if isinstance(p, StackValidationPolicy)}


@pytest.fixture(params=RULES, ids=lambda r: r.id)
def rule(request: pytest.FixtureRequest) -> Rule:
    found: Rule = request.param
    return found


def test_the_pack_has_one_policy_per_rule_enforced_by_severity(
    pack: dict[str, StackValidationPolicy],
) -> None:
    assert list(pack) == [r.id for r in RULES]
    for rule in RULES:
        mandatory = rule.severity.value in ("critical", "high")
        expected = EnforcementLevel.MANDATORY if mandatory else EnforcementLevel.ADVISORY
        assert pack[rule.id].enforcement_level == expected, rule.id


def test_the_adapter_gives_the_rules_the_graph_the_recording_gives(rule: Rule) -> None:
    passing, failing = cases(rule)
    for case in (*passing, *failing):
        adapted = stack_of(as_engine_gives_it(case.stack))
        assert adapted.nodes == pack_visible(case.stack).nodes, f"{rule.id} {case.label}"


def test_each_rule_runs_through_the_pack_over_its_fixtures(rule: Rule) -> None:
    passing, failing = cases(rule)
    for case in passing:
        assert violations(rule, case) == set(), f"{rule.id} {case.label}"
    flagged_somewhere = False
    for case in failing:
        if case.stack.previous is not None:
            continue  # the deployed stack: offline only (`opsblocks check --against`)
        expected = {f.node.urn for f in rule.run(pack_visible(case.stack))}
        assert expected <= {n.urn for n in case.stack.nodes if n.name in case.flagged}
        assert violations(rule, case) == expected, f"{rule.id} {case.label}"
        flagged_somewhere |= bool(expected)
    needs_offline = all(c.stack.previous is not None for c in failing)
    assert flagged_somewhere or needs_offline, f"{rule.id}: no fail fixture fails in the pack"


def test_a_waived_rule_is_not_applicable_with_its_reason() -> None:
    rule = registry.rules()[0]
    waived = policy(rule, lambda: Facts("prod", {rule.id: "a reason"}))
    _, failing = cases(rule)
    with pytest.raises(_NotApplicableError) as raised:
        waived.validate(StackValidationArgs(as_engine_gives_it(failing[0].stack)), print)
    assert raised.value.reason == "waived in the blueprint: a reason"


def test_the_pack_reads_environment_and_waivers_from_the_blueprint(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(
        "name: x\nenvironment: prod\nchecks:\n  waive:\n"
        "    - {rule: OB-ALL-DATA-001, reason: dev data only}\n    - {rule: OB-ALL-DATA-002}\n"
    )
    assert facts_of(path) == Facts("prod", {"OB-ALL-DATA-001": "dev data only"})
    path.write_text("name: x\n")
    assert facts_of(path) == Facts("dev", {})


def test_the_pack_project_file_runs_the_pack_with_python() -> None:
    project = YAML(typ="safe").load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert (ROOT / "policies" / "__main__.py").is_file()
    requirements = (ROOT / "policies" / "requirements.txt").read_text()
    assert "pulumi-policy" in requirements


def test_the_pack_loads_no_cloud_sdk_and_no_blueprint_loader() -> None:
    """The pack runs in its own small environment (policies/requirements.txt)."""
    code = (
        "import sys; import policies.adapter as a; a.policies(a.Facts);"
        "print(sorted(m for m in ('pydantic', 'pulumi_aws', 'pulumi_gcp', 'pulumi_azure_native',"
        " 'typer', 'rich', 'opsblocks.blueprint') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_pack_starts_and_serves_the_engine_a_port() -> None:
    """What `pulumi preview --policy-pack policies` runs: the pack's program, which serves the
    analyzer on a local port and prints it for the engine."""
    pack = subprocess.Popen(
        [sys.executable, str(ROOT / "policies" / "__main__.py")],
        cwd=ROOT / "policies", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert pack.stdout is not None
        port = pack.stdout.readline().strip()
    finally:
        pack.kill()
        _, errors = pack.communicate()
    assert port.isdigit(), errors
