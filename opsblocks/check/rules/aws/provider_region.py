"""Every AWS resource goes through a provider that names the stack's region."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

PROVIDER = "pulumi:providers:aws"


def check(stack: Stack) -> Iterator[Flag]:
    for provider in stack.of_type(PROVIDER):
        if not provider.get("region"):
            yield Flag(provider, "explicit aws provider without region: it ignores aws:region")
    for node in stack.custom():
        if node.type.startswith("aws:") and node.provider:
            used = stack.provider_of(node)
            if used is not None and used.type != PROVIDER:
                yield Flag(node, f"AWS resource through a {used.type} provider")


RULE = Rule(
    id="OB-AWS-PROV-001",
    severity=Severity.critical,
    title="Explicit AWS providers carry the stack's region",
    protects="the first `up` failing without a region, or creating the platform in another one",
    fix="aws.Provider(region=<blueprint region>, plus the stack's profile / assume_role settings)",
    source="opsblocks deploy review: explicit provider without the stack's settings",
    check=check,
)
