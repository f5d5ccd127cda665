"""Workload identity providers for CI admit one repository (and branch), not the whole issuer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"
# Issuers that mint tokens for any customer's repositories or projects, and the claims (any
# one of each group) a condition must compare with `==` to admit one repository and branch.
SHARED_ISSUERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "https://token.actions.githubusercontent.com": (("repository", "repository_id"), ("ref",)),
    "https://gitlab.com": (("project_path", "project_id"), ("ref",)),
}


def _compares(condition: str, claims: tuple[str, ...]) -> bool:
    """True when the condition tests one of `claims` for equality, as a whole token:
    `assertion.repository_owner == ...` does not restrict `repository`."""
    names = "|".join(re.escape(c) for c in claims)
    return re.search(rf"\b(?:assertion|attribute)\.(?:{names})\s*==", condition) is not None


def check(stack: Stack) -> Iterator[Flag]:
    for provider in stack.of_type(PROVIDER):
        issuer = provider.get("oidc.issuerUri")
        condition = provider.get("attributeCondition")
        if is_unknown(condition) or not isinstance(issuer, str):
            continue
        claims = SHARED_ISSUERS.get(issuer.rstrip("/"))
        if claims is None:
            continue
        if not condition:
            yield Flag(
                provider, f"no attribute condition: every workflow {issuer} signs for gets in"
            )
            continue
        missing = [group[0] for group in claims if not _compares(condition, group)]
        if missing:
            yield Flag(provider, f"attribute condition does not restrict {' and '.join(missing)}")


RULE = Rule(
    id="OB-GCP-WIF-001",
    severity=Severity.critical,
    title="CI workload identity providers admit only the blueprint's repository and branch",
    protects="any repository on GitHub exchanging its workflow token for the platform's accounts",
    fix="set attribute_condition on assertion.repository and assertion.ref (the branch)",
    source="Google IAM docs: Workload Identity Federation with deployment pipelines",
    check=check,
)
