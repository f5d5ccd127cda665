"""Cloud SQL instances have no public IP address: they are reached on the VPC's private IP."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._sql import INSTANCE, known

PUBLIC = "settings.ipConfiguration.ipv4Enabled"


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        if not known(instance, PUBLIC):
            continue
        # Cloud SQL gives an instance a public IPv4 address unless told not to.
        if instance.get(PUBLIC) is not False:
            yield Flag(instance, "database instance with a public IP address")


RULE = Rule(
    id="OB-GCP-SQL-001",
    severity=Severity.high,
    title="Cloud SQL instances have no public IP address",
    protects="a database reachable from the internet, one leaked password away from its data",
    fix="set ip_configuration=...IpConfigurationArgs(ipv4_enabled=False, private_network=<vpc>)",
    source="CIS GCP 6.6; SCC Security Health Analytics: PUBLIC_SQL_INSTANCE",
    check=check,
)
