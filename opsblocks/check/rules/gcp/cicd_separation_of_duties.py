"""CI/CD stages that run without approval cannot deploy; test stages cannot train or deploy.

Cloud Build: a trigger without a required approval runs repository code as its account, and
as every account that account may act as; none of them may deploy to a Vertex AI endpoint. The
test build's accounts hold no Vertex AI rights at all. GitHub Actions: an account federated to
a subject other than a GitHub environment (whose protection rules are the approval) is
reachable by any job of the repository, the tests included: it holds no Vertex AI rights.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

TRIGGER = "gcp:cloudbuild/trigger:Trigger"
ACCOUNT = "gcp:serviceaccount/account:Account"
PROJECT_GRANTS = ("gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding")
ACCOUNT_GRANTS = ("gcp:serviceaccount/iAMMember:IAMMember",
                  "gcp:serviceaccount/iAMBinding:IAMBinding")  # fmt: skip
CUSTOM_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole"
ACT_AS = ("roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator")
FEDERATED = "roles/iam.workloadIdentityUser"

DEPLOY_ROLES = ("roles/owner", "roles/editor", "roles/aiplatform.admin", "roles/aiplatform.user")
TRAIN_ROLES = DEPLOY_ROLES
DEPLOY_PERMISSIONS = frozenset(f"aiplatform.endpoints.{verb}" for verb in (
    "create", "update", "delete", "deploy", "undeploy", "mutateDeployedModel"))  # fmt: skip
TRAIN_PERMISSIONS = frozenset({
    "aiplatform.pipelineJobs.create", "aiplatform.customJobs.create",
    "aiplatform.trainingPipelines.create", "aiplatform.hyperparameterTuningJobs.create",
})  # fmt: skip
EMAIL = re.compile(r"([a-z0-9-]+)@[a-z0-9.-]+\.iam\.gserviceaccount\.com")


def _local_parts(value: object) -> set[str]:
    return {m.group(1) for v in as_list(value) if isinstance(v, str) for m in EMAIL.finditer(v)}


def _refers_to(node: Node, account: Node, *paths: str) -> bool:
    """`node` takes `account`'s outputs, or names its e-mail where the engine knows it."""
    if account.urn in node.dependencies:
        return True
    account_id = account.get("accountId")
    return any(account_id in _local_parts(node.get(p)) for p in paths)


def _custom_role(stack: Stack, grant: Node) -> Node | None:
    """The custom role a grant gives: by its name, or offline by the role it waits for."""
    role = grant.get("role")
    for custom in stack.of_type(CUSTOM_ROLE):
        role_id = custom.get("roleId")
        named = isinstance(role, str) and role.endswith(f"/roles/{role_id}")
        if named or (is_unknown(role) and custom.urn in grant.dependencies):
            return custom
    return None


def vertex_rights(stack: Stack, account: Node) -> dict[str, str]:
    """ "deploy" / "train" -> the role that gives `account` that Vertex AI right."""
    rights: dict[str, str] = {}
    for grant in stack.of_type(*PROJECT_GRANTS):
        if not _refers_to(grant, account, "member", "members"):
            continue
        role = grant.get("role")
        if role in DEPLOY_ROLES:
            rights.setdefault("deploy", str(role))
        if role in TRAIN_ROLES:
            rights.setdefault("train", str(role))
        custom = _custom_role(stack, grant)
        if custom is None:
            continue
        permissions = {p for p in as_list(custom.get("permissions")) if isinstance(p, str)}
        title = f"custom role {custom.name}"
        if permissions & DEPLOY_PERMISSIONS:
            rights.setdefault("deploy", title)
        if permissions & TRAIN_PERMISSIONS:
            rights.setdefault("train", title)
    return rights


def acts_as(stack: Stack, account: Node) -> list[Node]:
    """The other accounts `account` may act as (service account user / token creator on them)."""
    accounts = list(stack.of_type(ACCOUNT))
    found: list[Node] = []
    for grant in stack.of_type(*ACCOUNT_GRANTS):
        if grant.get("role") not in ACT_AS or not _refers_to(grant, account, "member", "members"):
            continue
        members = _local_parts(grant.get("member")) | _local_parts(grant.get("members"))
        if members and account.get("accountId") not in members:
            continue  # someone else is granted on `account`
        found += [
            other
            for other in accounts
            if other.urn != account.urn and _refers_to(grant, other, "serviceAccountId")
        ]
    return found


def _own_accounts(stack: Stack, trigger: Node) -> list[Node]:
    """The account the trigger's builds run as. The policy pack knows its e-mail; offline it is
    the account the trigger waits for that is the stage's own: named after the trigger, else
    a sibling that the trigger's grants are for, else any sibling it waits for."""
    named = _local_parts(trigger.get("serviceAccount"))
    accounts = [a for a in stack.of_type(ACCOUNT) if a.urn in trigger.dependencies]
    if named:
        return [a for a in stack.of_type(ACCOUNT) if a.get("accountId") in named]
    grants = [stack.by_urn[u] for u in trigger.dependencies if u in stack.by_urn]
    siblings = [a for a in accounts if a.parent == trigger.parent]
    granted = [a for a in siblings if any(a.urn in g.dependencies for g in grants)]
    by_name = [a for a in accounts if a.name == f"{trigger.name}-sa"]
    return by_name or granted or siblings or accounts


def _reach(stack: Stack, account: Node) -> list[tuple[Node, dict[str, str]]]:
    return [(a, vertex_rights(stack, a)) for a in [account, *acts_as(stack, account)]]


def check(stack: Stack) -> Iterator[Flag]:
    for trigger in stack.of_type(TRIGGER):
        if trigger.get("approvalConfig.approvalRequired") is True:
            continue
        test = trigger.name.endswith("-test")
        for own in _own_accounts(stack, trigger):
            for account, rights in _reach(stack, own):
                via = "" if account is own else f" acting as {account.name}"
                if test and rights:
                    held = ", ".join(f"{k} ({v})" for k, v in sorted(rights.items()))
                    yield Flag(
                        trigger,
                        f"test build runs as {own.name}{via}, with Vertex AI rights: {held}",
                    )
                elif "deploy" in rights:
                    yield Flag(
                        trigger,
                        f"build runs without approval as {own.name}{via}, which "
                        f"can deploy to endpoints ({rights['deploy']})",
                    )
    for grant in stack.of_type(*ACCOUNT_GRANTS):
        if grant.get("role") != FEDERATED:
            continue
        members = [
            m
            for m in as_list(grant.get("member")) + as_list(grant.get("members"))
            if isinstance(m, str) and not is_unknown(m)
        ]
        if not members or all(":environment:" in m for m in members):
            continue
        reached = [
            (account, other)
            for account in stack.of_type(ACCOUNT)
            if account.urn in grant.dependencies
            for other, rights in _reach(stack, account)
            if rights
        ]
        if reached:
            account, other = reached[0]
            via = "" if other is account else f" (acting as {other.name})"
            yield Flag(
                grant,
                f"any job of the repository, not one environment's, may act as "
                f"{account.name}, which holds Vertex AI rights{via}",
            )


RULE = Rule(
    id="OB-GCP-CICD-001",
    severity=Severity.critical,
    title="Unapproved CI/CD stages cannot deploy models, and test stages hold no Vertex AI rights",
    protects="repository code (a test, a pull request) deploying a model to prod with no approval",
    fix="give each stage its own account; deploy rights only to the approved stage's account",
    source="opsblocks deploy review: separation of duties between CI/CD stages",
    check=check,
)
