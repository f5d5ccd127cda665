"""Artifact Registry repositories encrypt with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

REPOSITORY = "gcp:artifactregistry/repository:Repository"


def check(stack: Stack) -> Iterator[Flag]:
    for repository in stack.of_type(REPOSITORY):
        # Remote and virtual repositories hold no artifacts of their own to encrypt.
        if repository.get("mode", "STANDARD_REPOSITORY") != "STANDARD_REPOSITORY":
            continue
        if not repository.get("kmsKeyName"):
            yield Flag(
                repository,
                "repository without kms_key_name: images and templates use Google's keys",
            )


RULE = Rule(
    id="OB-GCP-AR-001",
    severity=Severity.high,
    title="Artifact Registry repositories encrypt with the customer-managed key",
    protects="model images and pipeline templates held under keys the platform cannot revoke",
    fix="set kms_key_name=<platform key id> on the artifactregistry.Repository (at creation)",
    source="Organization Policy constraint gcp.restrictNonCmekServices",
    check=check,
)
