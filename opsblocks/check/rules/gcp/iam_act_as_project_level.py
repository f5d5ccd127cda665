"""Acting as a service account is granted on that account, never on the whole project."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._iam import (
    FOLDER_POLICY,
    ORGANIZATION_POLICY,
    PROJECT_POLICY,
    bindings,
    custom_role_permissions,
)

GRANTS = ("gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding",
          "gcp:folder/iAMMember:IAMMember", "gcp:folder/iAMBinding:IAMBinding",
          "gcp:organizations/iAMMember:IAMMember",
          "gcp:organizations/iAMBinding:IAMBinding",
          PROJECT_POLICY, FOLDER_POLICY, ORGANIZATION_POLICY)  # fmt: skip
ACT_AS = (
    "roles/iam.serviceAccountUser",
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.serviceAccountOpenIdTokenCreator",
    "roles/iam.workloadIdentityUser",
)
ACT_AS_PERMISSIONS = frozenset({
    "iam.serviceAccounts.actAs",
    "iam.serviceAccounts.getAccessToken",
    "iam.serviceAccounts.getOpenIdToken",
    "iam.serviceAccounts.signBlob",
    "iam.serviceAccounts.signJwt",
    "iam.serviceAccounts.implicitDelegation",
})  # fmt: skip
"""What those roles give: attaching an account, minting its tokens, signing as it."""


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        for role, _ in bindings(grant):
            if role in ACT_AS:
                yield Flag(
                    grant, f"{role} on the project: it may act as every service account in it"
                )
                continue
            permissions = custom_role_permissions(stack, grant, role)
            act_as = sorted((permissions or frozenset()) & ACT_AS_PERMISSIONS)
            if act_as:
                yield Flag(
                    grant,
                    f"custom role with {', '.join(act_as)} on the project: "
                    f"it may act as every service account in it",
                )


RULE = Rule(
    id="OB-GCP-IAM-003",
    severity=Severity.high,
    title="Act-as roles and custom-role permissions are granted on one account, not the project",
    protects="an identity acting as any service account in the project, owner-like ones included",
    fix="grant the role with gcp.serviceaccount.IAMMember on the one account it must act as",
    source="CIS GCP 1.6",
    check=check,
)
