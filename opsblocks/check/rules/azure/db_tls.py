"""PostgreSQL servers require TLS 1.2 or later: no server parameter turns it off."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

OLD_TLS = ("TLSv1", "TLSv1.0", "TLSv1.1")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:dbforpostgresql:Configuration"):
        name, value = node.get("configurationName"), node.get("value")
        if is_unknown(value):
            continue
        if name == "require_secure_transport" and str(value).lower() in ("off", "false", "0"):
            yield Flag(node, "PostgreSQL server accepts connections without TLS")
        elif name == "ssl_min_protocol_version" and value in OLD_TLS:
            yield Flag(node, f"PostgreSQL server accepts {value}")


RULE = Rule(
    id="OB-AZURE-DB-004",
    severity=Severity.high,
    title="PostgreSQL flexible servers keep require_secure_transport on and TLS 1.2 as the minimum",
    protects="database passwords and experiment data read on the wire",
    fix='leave require_secure_transport "on" and ssl_min_protocol_version "TLSv1.2" or later',
    source="Azure Policy: Enforce SSL connection should be enabled for PostgreSQL database servers",
    check=check,
)
