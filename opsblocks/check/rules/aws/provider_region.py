"""Every AWS resource goes through the blueprint's explicit provider, which names the region."""

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
    if not explicit:
        return
    for node in stack.custom():
        if not node.type.startswith("aws:"):
            continue
        used = stack.provider_of(node)
        if node.provider is None or (used is not None and used.name.startswith("default")):
            yield Flag(node, "goes through the default provider, not the blueprint's")
        elif used is not None and used.type != PROVIDER:
            yield Flag(node, f"AWS resource through a {used.type} provider")


RULE = Rule(
    id="OB-AWS-PROV-001",
    severity=Severity.critical,
    title="AWS resources go through the blueprint's explicit provider, which names the region",
    protects="the first `up` failing without a region, or creating the platform in another one",
    fix="aws.Provider(region=<blueprint region>, stack's aws:* settings) in every resource's opts",
    source="opsblocks deploy review: explicit provider without the stack's settings",
    check=check,
)
