"""Acting as a service account is granted on that account, never on the whole project."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

GRANTS = ("gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding",
          "gcp:folder/iAMMember:IAMMember", "gcp:folder/iAMBinding:IAMBinding",
          "gcp:organizations/iAMMember:IAMMember",
          "gcp:organizations/iAMBinding:IAMBinding")  # fmt: skip
ACT_AS = (
    "roles/iam.serviceAccountUser",
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.workloadIdentityUser",
)


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        role = grant.get("role")
        if role in ACT_AS:
            yield Flag(grant, f"{role} on the project: it may act as every service account in it")


RULE = Rule(
    id="OB-GCP-IAM-003",
    severity=Severity.high,
    title="Service account user and token creator are granted on one account, not the project",
    protects="an identity acting as any service account in the project, owner-like ones included",
    fix="grant the role with gcp.serviceaccount.IAMMember on the one account it must act as",
    source="CIS GCP 1.6",
    check=check,
)
