"""Workbench instances give notebook users no root access."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

INSTANCE = "gcp:workbench/instance:Instance"
DISABLE_ROOT = "notebook-disable-root"


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        metadata = instance.get("gceSetup.metadata")
        if is_unknown(metadata):
            continue
        value = instance.get(f"gceSetup.metadata.{DISABLE_ROOT}")
        if is_unknown(value):
            continue
        if str(value).lower() != "true":
            yield Flag(instance, f"notebook users get root (metadata {DISABLE_ROOT} is not true)")


RULE = Rule(
    id="OB-GCP-WB-002",
    severity=Severity.high,
    title="Workbench notebook users have no root access",
    protects="notebook code changing the VM, its agents and its credentials as root",
    fix='set gce_setup metadata={"notebook-disable-root": "true"} on the workbench Instance',
    source="Organization Policy constraint ainotebooks.disableRootAccess",
    check=check,
)
