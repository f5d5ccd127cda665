"""No principal gets a basic role (owner, editor, viewer) on the project, folder or org, and no
service account of the platform an admin role there (CIS GCP 1.5)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._iam import (
    FOLDER_POLICY,
    ORGANIZATION_POLICY,
    PROJECT_POLICY,
    bindings,
    is_policy,
)

GRANTS = ("gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding",
          "gcp:folder/iAMMember:IAMMember", "gcp:folder/iAMBinding:IAMBinding",
          "gcp:organizations/iAMMember:IAMMember",
          "gcp:organizations/iAMBinding:IAMBinding",
          PROJECT_POLICY, FOLDER_POLICY, ORGANIZATION_POLICY)  # fmt: skip
BASIC = ("roles/owner", "roles/editor", "roles/viewer")
ACCOUNT = "gcp:serviceaccount/account:Account"
USER_MANAGED = re.compile(
    r"^serviceAccount:[^@]+@(?!gcp-sa-)[a-z][a-z0-9-]*\.iam\.gserviceaccount\.com$"
)
"""A service account created in a project (`name@<project>.iam...`), not a Google service agent
(`service-<n>@gcp-sa-<service>.iam...`, `...@cloudservices.gserviceaccount.com`)."""
SERVICE_AGENT = re.compile(
    r"^serviceAccount:[^@]+@(?:cloudservices\.gserviceaccount\.com"
    r"|(?:gcp-sa-[a-z0-9-]+|[a-z0-9-]+-system|container-engine-robot)\.iam\.gserviceaccount\.com)$"
)
"""Google service agents (IAM "Service agents" page): the Google APIs Service Agent
(`<n>@cloudservices...`, granted roles/editor on the project when it is created) and the
per-service agents (`service-<n>@gcp-sa-<service>.iam...`, `...@<service>-system.iam...`,
`...@container-engine-robot.iam...`). Google grants and manages their roles; removing them
breaks the service. Default service accounts (`<n>-compute@developer...`,
`<project>@appspot...`) are user-managed and stay flagged."""


def _admin(role: object) -> bool:
    """CIS 1.5's admin roles: any role whose name contains admin (roles/storage.admin,
    roles/iam.serviceAccountAdmin ...)."""
    return isinstance(role, str) and "admin" in role.rsplit("/", 1)[-1].lower()


def _service_account(stack: Stack, grant: Node, member: object) -> bool:
    """The member is a user-managed service account: by its id, or, while the id is unknown,
    because the grant takes it from a service account of the stack."""
    if isinstance(member, str) and not is_unknown(member):
        return USER_MANAGED.match(member) is not None
    if is_policy(grant):
        return False
    return any(
        (node := stack.by_urn.get(urn)) is not None and node.type == ACCOUNT
        for urn in grant.dependencies
    )


def check(stack: Stack) -> Iterator[Flag]:
    for grant in stack.of_type(*GRANTS):
        # A basic role held only by Google service agents is the grant Google makes itself.
        found: list[str] = []
        for role, members in bindings(grant):
            if role in BASIC and not all(
                isinstance(m, str) and SERVICE_AGENT.match(m) for m in members
            ):
                found.append(f"basic role {role}: thousands of permissions across every service")
            elif _admin(role) and any(_service_account(stack, grant, m) for m in members):
                found.append(f"admin role {role} held by a service account (CIS 1.5)")
        for message in sorted(set(found)):
            yield Flag(grant, message)


RULE = Rule(
    id="OB-GCP-IAM-001",
    severity=Severity.high,
    title="No identity holds a basic role on the project; no service account holds an admin role",
    protects="a leaked workload identity changing or reading everything in the project",
    fix="grant the predefined or custom role of the task on the resource it needs",
    source="CIS GCP 1.5",
    check=check,
)
