"""Cloud SQL instances take daily backups, keep at least a week of them, and can be restored
to any point in time."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._sql import INSTANCE, known

BACKUPS = "settings.backupConfiguration"
RETAINED = f"{BACKUPS}.backupRetentionSettings.retainedBackups"
MIN_BACKUPS = 7
"""Also what Cloud SQL keeps when the retention is not set."""


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        if not known(instance, f"{BACKUPS}.enabled", f"{BACKUPS}.pointInTimeRecoveryEnabled",
                     RETAINED):  # fmt: skip
            continue
        if instance.get(f"{BACKUPS}.enabled") is not True:
            yield Flag(instance, "database instance without automated backups")
            continue
        if instance.get(f"{BACKUPS}.pointInTimeRecoveryEnabled") is not True:
            yield Flag(instance, "database instance without point-in-time recovery")
        retained = instance.get(RETAINED, MIN_BACKUPS)
        if isinstance(retained, int | float) and retained < MIN_BACKUPS:
            yield Flag(instance, f"database instance keeps {int(retained)} backups, under a week")


RULE = Rule(
    id="OB-GCP-SQL-003",
    severity=Severity.high,
    title="Cloud SQL instances keep at least 7 daily backups and point-in-time recovery",
    protects="runs and registered models lost for good to a bad migration or a dropped table",
    fix="set backup_configuration enabled, point_in_time_recovery_enabled, retained_backups>=7",
    source="CIS GCP 6.7; SCC Security Health Analytics: AUTO_BACKUP_DISABLED",
    check=check,
)
