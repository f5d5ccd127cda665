"""The rules as a Pulumi policy pack: one StackValidationPolicy per rule, the same `check`.

`__main__.py` serves them, so `pulumi preview --policy-pack policies` enforces on a
real stack what `opsblocks check` reports offline. Severity maps to enforcement as `--fail-on`
does by default: critical and high are mandatory, medium and low advisory. A rule the stack's
blueprint waives (`checks.waive`) is reported as not applicable, with its reason.

What the engine's policy API does not carry, the rules cannot see here: `retain_on_delete`
(rules check `protect` alone), and the deployed stack (`--against` stays offline-only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import Severity as PolicySeverity
from pulumi_policy.proxy import UnknownValueError

from opsblocks.check.graph import UNKNOWN, Node, Stack
from opsblocks.check.registry import rules
from opsblocks.check.rule import Rule, Severity


@dataclass(frozen=True)
class Facts:
    """What the rules take from the stack's blueprint rather than from its resources."""

    environment: str | None = None
    """dev, staging or prod (None: from the resources' platform tags)."""
    waivers: Mapping[str, str] = field(default_factory=dict)
    """rule id -> reason"""


ROOT_TYPE = "pulumi:pulumi:Stack"
COMPONENT_PACKAGES = ("opsblocks",)
"""Packages whose types are components (Pulumi's policy API does not say which are custom)."""
ENFORCEMENT = {Severity.critical: EnforcementLevel.MANDATORY,
               Severity.high: EnforcementLevel.MANDATORY,
               Severity.medium: EnforcementLevel.ADVISORY,
               Severity.low: EnforcementLevel.ADVISORY}  # fmt: skip


def policies(facts: Callable[[], Facts] | None = None) -> list[Policy]:
    """One policy per rule; `facts` reads the stack's blueprint (default: the one the stack's
    config names)."""
    return [policy(rule, facts or stack_facts) for rule in rules()]


def policy(rule: Rule, facts: Callable[[], Facts]) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        known = facts()
        reason = known.waivers.get(rule.id)
        if reason is not None:
            args.not_applicable(f"waived in the blueprint: {reason}")
        for flag in rule.run(stack_of(args.resources, known.environment)):
            report_violation(f"{flag.node.name}: {flag.message}. Fix: {rule.fix}", flag.node.urn)

    return StackValidationPolicy(
        name=rule.id,
        description=f"{rule.title}. Protects against {rule.protects}.",
        validate=validate,
        enforcement_level=ENFORCEMENT[rule.severity],
        severity=PolicySeverity(rule.severity.value),
        remediation_steps=rule.fix,
        tags=[rule.group.value, rule.area.lower()],
    )


def stack_of(resources: Sequence[Any], environment: str | None = None) -> Stack:
    """The engine's resources (pulumi_policy.PolicyResource) as the graph the rules read."""
    roots = {r.urn for r in resources if r.resource_type == ROOT_TYPE}
    nodes = tuple(_node(r, roots) for r in resources if r.resource_type != ROOT_TYPE)
    return Stack(nodes, environment)


def _node(resource: Any, roots: set[str]) -> Node:
    parent = resource.parent.urn if resource.parent is not None else None
    package = resource.resource_type.split(":")[0]
    return Node(
        urn=resource.urn,
        type=resource.resource_type,
        name=resource.name,
        inputs=_plain(resource.props),
        parent=None if parent in roots else parent,
        custom=package not in COMPONENT_PACKAGES,
        protect=bool(resource.opts.protect),
        retain_on_delete=None,
        ignore_changes=tuple(resource.opts.ignore_changes or ()),
        provider=resource.provider.urn if resource.provider is not None else None,
        dependencies=tuple(d.urn for d in resource.dependencies),
    )


def _plain(value: Any) -> Any:
    """Properties out of the policy SDK's proxies, with values unknown in a preview as UNKNOWN
    (the proxies raise on reading them)."""
    if isinstance(value, Mapping):
        return {key: _item(value, key) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_item(value, index) for index in range(len(value))]
    return value


def _item(container: Any, key: Any) -> Any:
    try:
        return _plain(container[key])
    except UnknownValueError:
        return UNKNOWN


def stack_facts() -> Facts:
    """The environment and waivers of the blueprint the stack's config names
    (`opsblocks:blueprint`, relative to the project root, the parent of this folder)."""
    import pulumi.runtime

    blueprint = pulumi.runtime.get_config_env().get("opsblocks:blueprint")
    if not blueprint:
        return Facts()
    return facts_of(Path(__file__).resolve().parents[1] / blueprint)


def facts_of(blueprint: Path) -> Facts:
    """A blueprint's environment and `checks.waive`, read as `opsblocks validate` accepts them:
    every waiver names a rule and gives a reason (the full loader, which also checks that the
    rule exists, would bring pydantic and the catalog into the pack)."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(blueprint.read_text(encoding="utf-8"))
    data = data if isinstance(data, dict) else {}
    checks = data.get("checks")
    entries = checks.get("waive") if isinstance(checks, dict) else None
    waivers: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        rule, reason = entry.get("rule"), entry.get("reason")
        if isinstance(rule, str) and isinstance(reason, str) and reason.strip():
            waivers[rule] = reason.strip()
    environment = data.get("environment", "dev")
    return Facts(environment if isinstance(environment, str) else None, waivers)
