"""A Helm release is told where a secret is, never the secret itself: Helm keeps every value in
its release record, readable by whoever can read the release, and Pulumi in plain state."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.portable.helm_chart_pinned import RELEASE

SECRET_KEY = re.compile(
    r"(password|passwd|secret|token|secretkey|accesskey|privatekey|connectionstring)$", re.I
)
"""A key whose value is a credential: `password`, `adminPassword`, `awsSecretAccessKey` ..."""
REFERENCE = re.compile(r"^(existing|keyOf)|(Name|Names|Ref|File|Path)$")
"""Keys that name where a credential is, with all beneath them (`existingSecret.passwordKey`,
`keyOfSecretAccessKey`, `extraSecretNamesForEnvFrom`), not the credential."""
HIDDEN = "[secret]"
"""How a Pulumi secret value is recorded: not a literal."""


def literal_secrets(values: object, path: str = "") -> Iterator[str]:
    """Dotted paths of the credential-named keys that hold a literal (non-empty string)."""
    if isinstance(values, Mapping):
        for key, value in values.items():
            here = f"{path}.{key}" if path else str(key)
            if REFERENCE.search(str(key)):
                continue
            if SECRET_KEY.search(str(key)) and _literal(value):
                yield here
            else:
                yield from literal_secrets(value, here)
    elif isinstance(values, Sequence) and not isinstance(values, str):
        for index, value in enumerate(values):
            yield from literal_secrets(value, f"{path}.{index}")


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
