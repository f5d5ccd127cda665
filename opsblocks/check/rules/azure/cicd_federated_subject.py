"""Federated credentials trust one repository's environment or branch, never a pattern."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

GITHUB = "https://token.actions.githubusercontent.com"
GITHUB_SCOPES = (":environment:", ":ref:refs/heads/", ":ref:refs/tags/")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:managedidentity:FederatedIdentityCredential"):
        subject = node.get("subject")
        if not isinstance(subject, str) or is_unknown(subject):
            continue
        if "*" in subject:
            yield Flag(node, f"federated subject {subject!r} is a wildcard")
        elif node.get("issuer") == GITHUB and (
            not subject.startswith("repo:") or not any(s in subject for s in GITHUB_SCOPES)
        ):
            yield Flag(node, f"GitHub subject {subject!r} is not one environment, branch or tag")


RULE = Rule(
    id="OB-AZURE-CICD-002",
    severity=Severity.critical,
    title="Federated identity credentials name one environment, branch or tag, never a wildcard",
    protects=(
        "a fork's pull request or any branch of the repository getting the platform's identity"
    ),
    fix=(
        "set subject to "
        '"repo:<owner>/<repo>:environment:<env>" (deploy) or ":ref:refs/heads/<branch>"'
    ),
    source="MCSB IM-3 (manage application identities: workload identity federation)",
    check=check,
)
