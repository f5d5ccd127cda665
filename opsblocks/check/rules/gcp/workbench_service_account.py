"""Workbench instances run as a dedicated service account, not Compute Engine's default one."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

INSTANCE = "gcp:workbench/instance:Instance"
DEFAULT_ACCOUNT = "-compute@developer.gserviceaccount.com"


def check(stack: Stack) -> Iterator[Flag]:
    for instance in stack.of_type(INSTANCE):
        accounts = instance.get("gceSetup.serviceAccounts")
        if is_unknown(accounts):
            continue
        email = instance.get("gceSetup.serviceAccounts.0.email")
        if is_unknown(email):
            continue
        if not email:
            yield Flag(
                instance,
                "notebook VM without a service account: it runs as the "
                "Compute Engine default account",
            )
        elif str(email).endswith(DEFAULT_ACCOUNT):
            yield Flag(instance, f"notebook VM runs as the Compute Engine default account {email}")


RULE = Rule(
    id="OB-GCP-WB-005",
    severity=Severity.high,
    title="Workbench notebooks run as a dedicated service account",
    protects="notebook code inheriting the default account's project-wide Editor-like rights",
    fix="set gce_setup service_accounts=[...(email=<notebook account email>)] on the Instance",
    source="CIS GCP 4.1",
    check=check,
)
