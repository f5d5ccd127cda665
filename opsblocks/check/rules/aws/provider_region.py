"""The blueprint's explicit AWS provider names the region (OB-ALL-PROV-001 checks that every
AWS resource goes through it)."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

PROVIDER = "pulumi:providers:aws"


def check(stack: Stack) -> Iterator[Flag]:
    # The engine names the providers it makes from stack config `default_<version>`.
    explicit = [p for p in stack.of_type(PROVIDER) if not p.name.startswith("default")]
    for provider in explicit:
        if not provider.get("region"):
            yield Flag(provider, "explicit aws provider without region: it ignores aws:region")


RULE = Rule(
    id="OB-AWS-PROV-001",
    severity=Severity.critical,
    title="The blueprint's explicit AWS provider names the region",
    protects="the first `up` failing without a region, or creating the platform in another one",
    fix="aws.Provider(region=<blueprint region>, plus the stack's aws:* settings)",
    source="opsblocks deploy review: explicit provider without the stack's settings",
    check=check,
)
