"""Parameters that hold secrets are SecureStrings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

PARAMETER = "aws:ssm/parameter:Parameter"
SECRET = re.compile(r"password|passwd|secret|token|api_?key|private_?key|credential", re.I)


def _secret_keys(value: Any) -> list[str]:
    """Keys of a JSON value that name a secret (settings documents hold many keys)."""
    try:
        parsed = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return []
    if not isinstance(parsed, Mapping):
        return []
    return [str(k) for k in parsed if SECRET.search(str(k))]


def check(stack: Stack) -> Iterator[Flag]:
    for parameter in stack.of_type(PARAMETER):
        if parameter.get("type") == "SecureString":
            continue
        name = str(parameter.get("name") or parameter.name)
        keys = _secret_keys(parameter.get("value")) + _secret_keys(parameter.get("insecureValue"))
        if SECRET.search(name.rsplit("/", 1)[-1]) or keys:
            what = f"keys {', '.join(keys)}" if keys else f"name {name}"
            yield Flag(parameter, f"{parameter.get('type')} parameter holds a secret ({what})")


RULE = Rule(
    id="OB-AWS-SSM-001",
    severity=Severity.high,
    title="SSM parameters that hold secrets are SecureString, encrypted with the key",
    protects="passwords and tokens readable in plain text by anyone with ssm:GetParameter",
    fix="aws.ssm.Parameter(type='SecureString', key_id=<platform key>) for secrets",
    source="MCSB IM-8",
    check=check,
)
