"""A Helm release is told where a secret is, never the secret itself: Helm keeps every value in
its release record, readable by whoever can read the release, and Pulumi in plain state."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.portable.helm_chart_pinned import RELEASE

SECRET_KEY = re.compile(
    r"(password|passwd|secret|token|secretkey|accesskey|privatekey|apikey|connectionstring)$"
)
"""A key whose value is a credential, once normalised (`normalise`): `password`,
`adminPassword`, `awsSecretAccessKey`, `AWS_SECRET_ACCESS_KEY`,
`AZURE_STORAGE_CONNECTION_STRING`."""
REFERENCE = re.compile(r"^(existing|keyof)")
"""Keys (normalised) that name where a credential is, with all beneath them
(`existingSecret.passwordKey`, `keyOfSecretAccessKey`), not the credential. A key that only
ends in Name, Ref, File or Path is looked into like any other."""
URI_CREDENTIALS = re.compile(r"://[^/?#@\s:]+:[^/?#@\s]+@")
"""A URI carrying a user and a password: `postgresql://mlflow:Pa33w0rd@db:5432/mlflow`."""
HIDDEN = "[secret]"
"""How a Pulumi secret value is recorded: not a literal."""


def normalise(key: object) -> str:
    """`AWS_SECRET_ACCESS_KEY`, `aws-secret-access-key`, `awsSecretAccessKey` alike."""
    return str(key).lower().replace("_", "").replace("-", "")


def literal_secrets(values: object, path: str = "") -> Iterator[str]:
    """Dotted paths of the literal credentials (non-empty strings) in `values`: under a
    credential-named key, as the `value` of a `{name: <credential name>, value: ...}`
    environment entry, or inside any URI that carries a password."""
    if isinstance(values, Mapping):
        named = values.get("name")
        credential = isinstance(named, str) and SECRET_KEY.search(normalise(named))
        if credential and _literal(values.get("value")):
            yield f"{path}.value" if path else "value"
        for key, value in values.items():
            here = f"{path}.{key}" if path else str(key)
            if REFERENCE.search(normalise(key)):
                continue
            if SECRET_KEY.search(normalise(key)) and _literal(value):
                yield here
            else:
                yield from literal_secrets(value, here)
    elif isinstance(values, Sequence) and not isinstance(values, str):
        for index, value in enumerate(values):
            yield from literal_secrets(value, f"{path}.{index}")
    elif _literal(values) and URI_CREDENTIALS.search(str(values)):
        yield path


def _literal(value: object) -> bool:
    return isinstance(value, str) and bool(value) and value != HIDDEN and not is_unknown(value)


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(RELEASE):
        found = sorted(literal_secrets(node.get("values", {})))
        if found:
            yield Flag(node, f"credentials in the chart's values: {', '.join(found)}")


RULE = Rule(
    id="OB-ALL-HELM-002",
    severity=Severity.high,
    title="No Helm release holds a password, secret or token in its values",
    protects="credentials in Helm's release record and the stack state, for anyone who reads them",
    fix="put the credential in a Kubernetes Secret; give the chart its name (existing-secret keys)",
    source="opsblocks secure default: passwords never in Helm values or any plain input",
    check=check,
)
