"""Cloud SQL instances refuse connections that are not encrypted."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._sql import INSTANCE, known

IP = "settings.ipConfiguration"
ENCRYPTED = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        if not known(instance, f"{IP}.sslMode", f"{IP}.requireSsl"):
            continue
        mode, legacy = instance.get(f"{IP}.sslMode"), instance.get(f"{IP}.requireSsl")
        if mode not in ENCRYPTED and legacy is not True:
            yield Flag(instance, f"database instance accepting unencrypted connections ({mode})")


RULE = Rule(
    id="OB-GCP-SQL-005",
    severity=Severity.high,
    title="Cloud SQL instances accept only TLS connections",
    protects="database passwords and data read off the network by anyone on its path",
    fix='set ip_configuration=...IpConfigurationArgs(ssl_mode="ENCRYPTED_ONLY", ...)',
    source="CIS GCP 6.4; SCC Security Health Analytics: SSL_NOT_ENFORCED",
    check=check,
)
