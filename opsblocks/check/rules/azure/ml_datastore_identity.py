"""Azure ML datastores reach storage with identities, never with stored keys or secrets."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

SECRET_KINDS = ("AccountKey", "Sas", "ServicePrincipal", "Certificate")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:machinelearningservices:Datastore"):
        kind = node.get("properties.credentials.credentialsType")
        if is_unknown(kind):
            continue
        if kind in SECRET_KINDS:
            yield Flag(node, f"datastore stores a {kind} credential in the workspace")


RULE = Rule(
    id="OB-AZURE-ML-012",
    severity=Severity.high,
    title="Azure ML datastores use identity-based access (no account key, SAS or client secret)",
    protects=(
        "a long-lived storage secret readable by anyone who can list the workspace's datastores"
    ),
    fix=(
        'set credentials credentials_type="None" and '
        "service_data_access_auth_identity on the Datastore"
    ),
    source="MCSB IM-3 (use managed identities instead of stored credentials)",
    check=check,
)
