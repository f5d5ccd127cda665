"""No principal gets a basic role (owner, editor, viewer) on the project, folder or org."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._iam import FOLDER_POLICY, ORGANIZATION_POLICY, PROJECT_POLICY, roles

GRANTS = ("gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding",
          "gcp:folder/iAMMember:IAMMember", "gcp:folder/iAMBinding:IAMBinding",
          "gcp:organizations/iAMMember:IAMMember",
          "gcp:organizations/iAMBinding:IAMBinding",
          PROJECT_POLICY, FOLDER_POLICY, ORGANIZATION_POLICY)  # fmt: skip
BASIC = ("roles/owner", "roles/editor", "roles/viewer")


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        for role in sorted({r for r in roles(grant) if r in BASIC}):
            yield Flag(grant, f"basic role {role}: thousands of permissions across every service")


RULE = Rule(
    id="OB-GCP-IAM-001",
    severity=Severity.high,
    title="No identity holds a basic role (owner, editor, viewer) on the project",
    protects="a leaked workload identity changing or reading everything in the project",
    fix="grant the predefined or custom role of the task on the resource it needs",
    source="CIS GCP 1.5",
    check=check,
)
