"""Workbench instances boot as Shielded VMs: secure boot, vTPM and integrity monitoring."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

INSTANCE = "gcp:workbench/instance:Instance"
SHIELDED = ("enableSecureBoot", "enableVtpm", "enableIntegrityMonitoring")


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        config = instance.get("gceSetup.shieldedInstanceConfig")
        if is_unknown(config):
            continue
        off = [
            s
            for s in SHIELDED
            if instance.get(f"gceSetup.shieldedInstanceConfig.{s}") is not True
            and not is_unknown(instance.get(f"gceSetup.shieldedInstanceConfig.{s}"))
        ]
        if off:
            yield Flag(instance, f"notebook VM without {', '.join(off)}")


RULE = Rule(
    id="OB-GCP-WB-003",
    severity=Severity.medium,
    title="Workbench notebook VMs use secure boot, vTPM and integrity monitoring",
    protects="a boot-level rootkit on the notebook VM going unnoticed",
    fix="set shielded_instance_config=...(enable_secure_boot=True, enable_vtpm=True, "
    "enable_integrity_monitoring=True)",
    source="CIS GCP 4.8",
    check=check,
)
