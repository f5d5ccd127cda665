"""Workload identity providers for CI admit one repository (and branch), not the whole issuer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"
# Issuers that mint tokens for any customer's repositories or projects, and the claims (any
# one of each group) a condition must compare with `==` to admit one repository and branch.
GITHUB = "https://token.actions.githubusercontent.com"
SHARED_ISSUERS: dict[str, tuple[tuple[str, ...], ...]] = {
    GITHUB: (("repository", "repository_id"), ("ref",)),
    "https://gitlab.com": (("project_path", "project_id"), ("ref",)),
}


LITERAL = r"""(?:'[^']*'|"[^"]*")"""
GITHUB_SUBJECT = re.compile(r"^repo:[^:]+/[^:]+:(.*)$")
"""GitHub's default subject: `repo:<owner>/<repo>:ref:<ref>` (or `:environment:<name>`,
`:pull_request`), so `assertion.sub == '...'` names the repository, and the ref when it has one."""


def _compares(condition: str, claims: tuple[str, ...]) -> bool:
    """True when the condition tests one of `claims` for equality with a literal, in either
    order, as a whole token: `assertion.repository_owner == ...` does not restrict `repository`."""
    names = "|".join(re.escape(c) for c in claims)
    claim = rf"\b(?:assertion|attribute)\.(?:{names})\b"
    return (
        re.search(rf"{claim}\s*==", condition) is not None
        or re.search(rf"{LITERAL}\s*==\s*{claim}", condition) is not None
    )


def _subject_claims(condition: str) -> set[str]:
    """The claims a GitHub subject compared with `==` pins: repository, and ref when present."""
    sub = r"\b(?:assertion|attribute)\.sub\b"
    found: set[str] = set()
    for match in re.finditer(rf"{sub}\s*==\s*({LITERAL})|({LITERAL})\s*==\s*{sub}", condition):
        subject = GITHUB_SUBJECT.match((match.group(1) or match.group(2))[1:-1])
        if subject is not None:
            found.add("repository")
            if subject.group(1).startswith("ref:"):
                found.add("ref")
    return found


def _has_or(condition: str) -> bool:
    """`||` outside string literals: an alternative admits tokens the rest does not restrict."""
    return "||" in re.sub(LITERAL, "''", condition)


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
        if _has_or(condition):
            yield Flag(
                provider, "attribute condition has ||: an alternative can admit other repositories"
            )
            continue
        subject = _subject_claims(condition) if issuer.rstrip("/") == GITHUB else set()
        missing = [
            group[0]
            for group in claims
            if group[0] not in subject and not _compares(condition, group)
        ]
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
