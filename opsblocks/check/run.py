"""Run the rules over a stack: findings, the waived ones apart, and what fails the check."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from opsblocks.check.graph import Node, Stack
from opsblocks.check.registry import rules as all_rules
from opsblocks.check.rule import Rule, Severity


@dataclass(frozen=True)
class Waiver:
    """`checks.waive[]` in a blueprint: a rule that does not apply, and why."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Finding:
    rule: Rule
    node: Node
    message: str
    capability: str
    waiver: Waiver | None = None


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    """The rules that ran (those of the stack's clouds, and the portable ones)."""
    unused_waivers: tuple[Waiver, ...] = field(default_factory=tuple)

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if f.waiver is None]

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.waiver is not None]

    def failing(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.open if f.rule.severity.at_least(threshold)]

    def summary(self) -> str:
        """One line: what a preview ends with."""
        counts = {s: sum(1 for f in self.open if f.rule.severity is s) for s in Severity}
        found = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "no findings"
        waived = f"; {len(self.waived)} waived" if self.waived else ""
        return f"check: {found}{waived} ({len(self.rules)} rules)"


def evaluate(
    stack: Stack, waivers: Sequence[Waiver] = (), rules: Iterable[Rule] | None = None
) -> Report:
    ran = tuple(r for r in (all_rules() if rules is None else rules) if r.applies(stack))
    by_rule = {w.rule: w for w in waivers}
    findings = tuple(
        Finding(rule, flag.node, flag.message, stack.capability_of(flag.node), by_rule.get(rule.id))
        for rule in ran
        for flag in rule.run(stack)
    )
    used = {f.rule.id for f in findings}
    return Report(findings, ran, tuple(w for w in waivers if w.rule not in used))
