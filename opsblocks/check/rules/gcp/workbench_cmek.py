"""Workbench instance disks encrypt with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

INSTANCE = "gcp:workbench/instance:Instance"


def _disks(instance: Node) -> list[tuple[str, object]]:
    """(name, settings) of the boot disk and the data disk(s); the data disk is one object
    in the provider's schema, a list in the API's."""
    disks: list[tuple[str, object]] = [("boot disk", instance.get("gceSetup.bootDisk"))]
    data = instance.get("gceSetup.dataDisks")
    disks += [("data disk", d) for d in as_list(data)] if data is not None else []
    return disks


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        plain = []
        for name, disk in _disks(instance):
            if is_unknown(disk):
                continue
            settings = disk if isinstance(disk, dict) else {}
            encryption = settings.get("diskEncryption")
            if is_unknown(encryption):
                continue
            if encryption != "CMEK" or not settings.get("kmsKey"):
                plain.append(name)
        if plain:
            yield Flag(instance, f"notebook {' and '.join(plain)} without CMEK encryption")


RULE = Rule(
    id="OB-GCP-WB-004",
    severity=Severity.high,
    title="Workbench notebook disks encrypt with the customer-managed key",
    protects="copies of training data on notebook disks held under keys the platform cannot revoke",
    fix='set disk_encryption="CMEK", kms_key=<platform key> on gce_setup boot_disk and data_disks',
    source="Organization Policy constraint gcp.restrictNonCmekServices",
    check=check,
)
