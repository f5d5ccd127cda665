"""What a rule is, and what it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from opsblocks.check.graph import Node, Stack


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    def at_least(self, other: Severity) -> bool:
        """critical is at least high; low is not at least medium."""
        return self.rank <= other.rank


class Group(StrEnum):
    """Where a rule holds: one cloud's resources, or every cloud's (portable)."""

    aws = "aws"
    azure = "azure"
    gcp = "gcp"
    portable = "portable"

    @property
    def prefix(self) -> str:
        """The group's part of a rule id: OB-AWS-..., OB-ALL-... for portable rules."""
        return "ALL" if self is Group.portable else self.value.upper()


PACKAGES = {Group.aws: ("aws",), Group.azure: ("azure-native", "azuredevops"), Group.gcp: ("gcp",)}
"""The provider packages whose resources a cloud's rules read."""


@dataclass(frozen=True)
class Flag:
    """One resource a rule flags, and why, in the rule's words for this resource."""

    node: Node
    message: str


Check = Callable[[Stack], Iterable[Flag]]


@dataclass(frozen=True)
class Rule:
    id: str
    """OB-<GROUP>-<AREA>-<NNN>, e.g. OB-AWS-IAM-003; stable, waivers and SARIF name it."""
    severity: Severity
    title: str
    """What holds when the rule passes, one line."""
    protects: str
    """What goes wrong without it: the attack, the failed `up`, the lost data."""
    fix: str
    """The fix, one line."""
    source: str
    """Where the rule comes from: a benchmark control (AWS FSBP S3.8, CIS GCP 3.1, Azure Policy
    built-in ...) or the deploy-correctness review that found the class."""
    check: Check

    @property
    def group(self) -> Group:
        prefix = self.id.split("-")[1]
        return next(g for g in Group if g.prefix == prefix)

    @property
    def area(self) -> str:
        return self.id.split("-")[2]

    def applies(self, stack: Stack) -> bool:
        packages = PACKAGES.get(self.group)
        return packages is None or any(p in stack.clouds for p in packages)

    def run(self, stack: Stack) -> list[Flag]:
        return list(self.check(stack)) if self.applies(stack) else []
