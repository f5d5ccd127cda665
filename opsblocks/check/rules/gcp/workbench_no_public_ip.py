"""Workbench instances have no external IP address."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

INSTANCE = "gcp:workbench/instance:Instance"


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        disabled = instance.get("gceSetup.disablePublicIp")
        if disabled is not True and not is_unknown(disabled):
            yield Flag(instance, "notebook VM with an external IP address")


RULE = Rule(
    id="OB-GCP-WB-001",
    severity=Severity.high,
    title="Workbench notebook instances have no public IP address",
    protects="a notebook with data credentials reachable from, and sending to, the internet",
    fix="set gce_setup=InstanceGceSetupArgs(disable_public_ip=True, ...) on the workbench Instance",
    source="Organization Policy constraint ainotebooks.restrictPublicIp; CIS GCP 4.9",
    check=check,
)
