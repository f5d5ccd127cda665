"""The accounts scheduled pipeline runs (training, drift checks) use cannot touch endpoints.

They get Vertex AI through custom roles that hold the run permissions; a predefined Vertex AI
role (`aiplatform.user` and up) or a custom role with endpoint permissions would let a pipeline
step, or the train build acting as the account, deploy a model with no approval.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

JOB = "gcp:cloudscheduler/job:Job"
ACCOUNT = "gcp:serviceaccount/account:Account"
PROJECT_GRANTS = ("gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding")
CUSTOM_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole"
PREDEFINED = ("roles/owner", "roles/editor", "roles/aiplatform.admin", "roles/aiplatform.user")
ENDPOINT = re.compile(
    r"^aiplatform\.endpoints\.(create|update|delete|deploy|undeploy|"
    r"mutateDeployedModel)$"
)
EMAIL = re.compile(r"([a-z0-9-]+)@[a-z0-9.-]+\.iam\.gserviceaccount\.com")


def _ids(value: object) -> set[str]:
    return {m.group(1) for v in as_list(value) if isinstance(v, str) for m in EMAIL.finditer(v)}


def _run_accounts(stack: Stack, job: Node) -> list[Node]:
    named = _ids(job.get("httpTarget.oauthToken.serviceAccountEmail"))
    return [
        a
        for a in stack.of_type(ACCOUNT)
        if a.get("accountId") in named or (not named and a.urn in job.dependencies)
    ]


def _problems(stack: Stack, account: Node) -> Iterator[str]:
    for grant in stack.of_type(*PROJECT_GRANTS):
        named = _ids(grant.get("member")) | _ids(grant.get("members"))
        if account.urn not in grant.dependencies and account.get("accountId") not in named:
            continue
        role = grant.get("role")
        if role in PREDEFINED:
            yield f"predefined role {role} (it can deploy to endpoints)"
            continue
        for custom in stack.of_type(CUSTOM_ROLE):
            role_id = custom.get("roleId")
            if (isinstance(role, str) and role.endswith(f"/roles/{role_id}")) or (
                is_unknown(role) and custom.urn in grant.dependencies
            ):
                endpoint = [
                    p
                    for p in as_list(custom.get("permissions"))
                    if isinstance(p, str) and ENDPOINT.match(p)
                ]
                if endpoint:
                    yield f"custom role {custom.name} with {', '.join(endpoint)}"


def check(stack: Stack) -> Iterator[Flag]:
    seen: set[str] = set()
    for job in stack.of_type(JOB):
        for account in _run_accounts(stack, job):
            if account.urn in seen:
                continue
            seen.add(account.urn)
            for problem in _problems(stack, account):
                yield Flag(account, f"runs {job.name} and holds {problem}")


RULE = Rule(
    id="OB-GCP-VERTEX-003",
    severity=Severity.high,
    title="Scheduled run accounts get Vertex AI through custom roles without endpoint rights",
    protects="a training or drift-check step (or whoever acts as its account) deploying a model",
    fix="grant run accounts a custom role of pipeline/custom-job permissions, not aiplatform.user",
    source="opsblocks deploy review: separation of duties between CI/CD stages",
    check=check,
)
