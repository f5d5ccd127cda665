"""An online endpoint's identity writes blobs only under a path: a condition on its blob role.

The identity an endpoint runs as needs Storage Blob Data Contributor on the workspace storage
(the data collector writes there as it), which also lets a compromised model server rewrite
every model and every metric the quality gate reads. An Azure ABAC condition (version 2.0)
on the assignment keeps reads open and allows writes only under a path prefix
(`...containers/blobs:path` StringStartsWith; "Example Azure role assignment conditions for
Blob Storage"). A condition without `conditionVersion` is version 2.0 ("Add or edit Azure
role assignment conditions using the REST API").
"""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.azure._roles import ASSIGNMENT, IDENTITY, role_name

ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint"
BLOB_WRITERS = ("Storage Blob Data Contributor", "Storage Blob Data Owner")
PATH = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path]"
WRITE = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"


def check(stack: Stack) -> Iterator[Flag]:
    identities = {n.urn for n in stack.of_type(IDENTITY)}
    serving = {d for n in stack.of_type(ENDPOINT) for d in n.dependencies if d in identities}
    for node in stack.of_type(ASSIGNMENT):
        role = role_name(node)
        if role not in BLOB_WRITERS or not serving.intersection(node.dependencies):
            continue
        problem = _problem(node)
        if problem:
            yield Flag(node, f"{role} for an online endpoint's identity {problem}")


def _problem(node: Node) -> str | None:
    condition = node.get("condition")
    if is_unknown(condition):
        return None
    if not isinstance(condition, str) or not condition.strip():
        return "has no condition: it writes every blob"
    version = node.get("conditionVersion")
    if version is not None and not is_unknown(version) and str(version) != "2.0":
        return f"has a conditionVersion {version} condition, not 2.0"
    if WRITE not in condition or PATH not in condition or "StringStartsWith" not in condition:
        return "has a condition that does not limit blob writes to a path (blobs:path)"
    return None


RULE = Rule(
    id="OB-AZURE-RBAC-005",
    severity=Severity.high,
    title="An online endpoint's identity writes blobs only under a path (an ABAC condition)",
    protects="a compromised model server rewriting models and the metrics the quality gate reads",
    fix="add a version 2.0 condition: blob writes only where blobs:path StringStartsWith a prefix",
    source="Example Azure role assignment conditions for Blob Storage (MCSB PA-7: least privilege)",
    check=check,
)
