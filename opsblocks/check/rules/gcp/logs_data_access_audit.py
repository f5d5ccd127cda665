"""Where the stack configures audit logs, admin reads and data reads and writes are logged."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

AUDIT_CONFIGS = ("gcp:projects/iAMAuditConfig:IAMAuditConfig",
                 "gcp:folder/iAMAuditConfig:IAMAuditConfig",
                 "gcp:organizations/iAMAuditConfig:IAMAuditConfig")  # fmt: skip
WANTED = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")
"""CIS GCP 2.1: the three Data Access log types (Admin Activity is always on)."""


def check(stack: Stack) -> Iterator[Flag]:
    for config in stack.of_type(*AUDIT_CONFIGS):
        entries = config.get("auditLogConfigs")
        if is_unknown(entries):
            continue
        logs = [e for e in as_list(entries) if isinstance(e, Mapping)]
        missing = [kind for kind in WANTED if kind not in {e.get("logType") for e in logs}]
        exempted = sorted({m for e in logs for m in as_list(e.get("exemptedMembers"))})
        service = config.get("service")
        if missing:
            yield Flag(config, f"audit config for {service} without {' and '.join(missing)}")
        if exempted:
            yield Flag(config, f"audit config for {service} exempts {', '.join(exempted)}")


RULE = Rule(
    id="OB-GCP-LOGS-001",
    severity=Severity.medium,
    title="Audit configs the stack sets log admin reads, data reads and writes, for everyone",
    protects="no trace of who read or changed the platform's data when it leaks",
    fix="set audit_log_configs: ADMIN_READ, DATA_READ and DATA_WRITE, no exempted_members",
    source="CIS GCP 2.1",
    check=check,
)
