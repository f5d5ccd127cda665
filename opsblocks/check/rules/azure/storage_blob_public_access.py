"""No anonymous read of blobs: the account forbids it and no container asks for it."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

PUBLIC_LEVELS = ("Blob", "Container")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:storage:StorageAccount"):
        # Unset is false for accounts created with API 2023-01-01 or later (azure-native v2+).
        if node.get("allowBlobPublicAccess") is True:
            yield Flag(node, "storage account allows anonymous blob access (allowBlobPublicAccess)")
    for node in stack.of_type("azure-native:storage:BlobContainer"):
        level = node.get("publicAccess")
        if level in PUBLIC_LEVELS:
            yield Flag(node, f"blob container is public (publicAccess: {level})")


RULE = Rule(
    id="OB-AZURE-ST-003",
    severity=Severity.critical,
    title="Storage accounts disallow anonymous blob access and no container is public",
    protects="anyone on the internet listing and downloading training data or models",
    fix='set allow_blob_public_access=False on the account and public_access="None" on containers',
    source="Azure Policy: Storage account public access should be disallowed",
    check=check,
)
