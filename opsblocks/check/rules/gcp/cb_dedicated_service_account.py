"""Cloud Build triggers run as a dedicated service account, not a default one."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

TRIGGER = "gcp:cloudbuild/trigger:Trigger"
DEFAULTS = ("@cloudbuild.gserviceaccount.com", "-compute@developer.gserviceaccount.com")
"""The legacy Cloud Build account and the Compute Engine default account."""


def check(stack: Stack) -> Iterator[Flag]:
    for trigger in stack.of_type(TRIGGER):
        account = trigger.get("serviceAccount")
        if is_unknown(account):
            continue
        if not account:
            yield Flag(
                trigger,
                "trigger without service_account: builds run as the project's "
                "default Cloud Build account",
            )
        elif str(account).endswith(DEFAULTS):
            yield Flag(trigger, f"builds run as the default account {account}")


RULE = Rule(
    id="OB-GCP-CB-001",
    severity=Severity.high,
    title="Cloud Build triggers run as a dedicated service account",
    protects="repository code in a build using the default account's broad project rights",
    fix="set service_account=<the stage's own account id> on the gcp.cloudbuild.Trigger",
    source="Cloud Build docs: default service accounts are broad; create your own to run builds",
    check=check,
)
