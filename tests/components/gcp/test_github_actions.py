"""GcpGithubActionsCicd: Workload Identity Federation pinned to one repository and branch."""

from __future__ import annotations

import importlib
import json
from functools import cache
from inspect import signature
from typing import Any

import pytest

from components.gcp.github_actions.component import (
    GcpGithubActionsCicd,
    GcpGithubActionsCicdArgs,
    attribute_condition,
    environment_subject,
)
from opsblocks.preview import Graph, record
from tests.recording import (
    PROJECT,
    TEST_INVOKES,
    args_of,
    custom,
    fake_outputs,
    run,
)

REGION = "europe-west4"
LABELS = {"team": "risk", "opsblocks-capability": "cicd"}
COMPONENT = "opsblocks:index:GcpGithubActionsCicd"
TRAINING_SA = f"fraud-pipeline@{PROJECT}.iam.gserviceaccount.com"
SERVING_SA = f"fraud-serving@{PROJECT}.iam.gserviceaccount.com"
DEPLOY = {"deploy_settings": json.dumps({
    "endpoint": f"projects/{PROJECT}/locations/{REGION}/endpoints/fraud-prod", "region": REGION,
    "machine_type": "n1-standard-4", "min_replica_count": 1, "max_replica_count": 2,
    "service_account": SERVING_SA})}  # fmt: skip
TRAIN_SA, DEPLOY_SA = (
    fake_outputs("gcp:serviceaccount/account:Account", f"cicd-{duty}-sa")["email"]
    for duty in ("train", "deploy")
)
SUBJECT = "principal://iam.googleapis.com/cicd-pool/subject/repo:acme/fraud-model:environment:"


def args(**overrides: Any) -> GcpGithubActionsCicdArgs:
    values: dict[str, Any] = {
        "labels": LABELS, "project": PROJECT, "region": REGION,
        "account_ids": {duty: f"fraud-{duty}" for duty in ("test", "train", "deploy")},
        "pool_id": "fraud-prod-gh",
        "repository_id": "fraud-prod-images",
        "template_repository_id": "fraud-prod-training-templates",
        "pipeline_root_uri": "gs://fraud-root/", "training_service_account": TRAINING_SA,
        "repository": "acme/fraud-model",
    }  # fmt: skip
    return args_of(GcpGithubActionsCicdArgs, **values | overrides)


def cicd(**overrides: Any) -> Graph:
    return run(lambda: GcpGithubActionsCicd("cicd", args(**overrides)))


TARGETS = ("bucket", "repository", "serviceAccountId", "project")
"""What an IAM member grants on, narrowest first."""


def grants_of(graph: Graph, member: str) -> set[tuple[str, str]]:
    """(role, what it is granted on) for every grant to `member`."""
    found = set()
    for resource in custom(graph):
        if resource.inputs.get("member") == member:
            on = next(resource.inputs[key] for key in TARGETS if key in resource.inputs)
            found.add((resource.inputs["role"], on))
    return found


@cache
def takes_project(type_token: str) -> bool:
    _, module_path, class_name = type_token.split(":")
    owner = importlib.import_module(f"pulumi_gcp.{module_path.split('/')[0]}")
    return "project" in signature(getattr(owner, class_name)._internal_init).parameters


def test_provider_trusts_github_tokens_of_the_repository_on_its_branch_only() -> None:
    provider = cicd(branch="release").named("cicd-github").inputs

    assert provider["oidc"] == {"issuerUri": "https://token.actions.githubusercontent.com"}
    assert provider["attributeMapping"] == {
        "google.subject": "assertion.sub",
        "attribute.repository": "assertion.repository",
        "attribute.ref": "assertion.ref",
    }
    assert provider["attributeCondition"] == (
        'assertion.repository == "acme/fraud-model" && assertion.ref == "refs/heads/release"'
    )
    assert provider["workloadIdentityPoolId"] == "fraud-prod-gh"


def test_condition_quotes_what_it_compares() -> None:
    assert attribute_condition('a/b"c', "x") == (
        'assertion.repository == "a/b\\"c" && assertion.ref == "refs/heads/x"'
    )


def test_only_jobs_in_the_duty_s_github_environment_may_act_as_its_account() -> None:
    graph = cicd(deploy_environment="prod-approved", **DEPLOY)
    federated = {r.name: r.inputs for r in custom(graph)
                 if r.inputs.get("role") == "roles/iam.workloadIdentityUser"}  # fmt: skip

    assert federated == {
        "cicd-train-federated": {"serviceAccountId": "cicd-train-sa",
                                 "role": "roles/iam.workloadIdentityUser",
                                 "member": SUBJECT + "training"},
        "cicd-deploy-federated": {"serviceAccountId": "cicd-deploy-sa",
                                  "role": "roles/iam.workloadIdentityUser",
                                  "member": SUBJECT + "prod-approved"},
    }  # fmt: skip
    assert environment_subject("acme/fraud-model", "training") == (
        "repo:acme/fraud-model:environment:training"
    )


def test_no_service_account_key_is_ever_created() -> None:
    assert not cicd(**DEPLOY).of_type("gcp:serviceaccount/key:Key")


def test_the_train_account_may_start_runs_but_not_deploy() -> None:
    graph = cicd(**DEPLOY)
    account = graph.named("cicd-train-sa").inputs

    assert (account["accountId"], account["project"]) == ("fraud-train", PROJECT)
    assert grants_of(graph, f"serviceAccount:{TRAIN_SA}") == {
        ("roles/artifactregistry.writer", "fraud-prod-images"),
        ("roles/artifactregistry.writer", "fraud-prod-training-templates"),
        ("roles/storage.objectAdmin", "fraud-root"),
        ("cicd-train-pipeline-starter", PROJECT),
        ("roles/cloudscheduler.viewer", PROJECT),
        ("roles/iam.serviceAccountUser", f"projects/{PROJECT}/serviceAccounts/{TRAINING_SA}"),
    }


def test_the_deploy_account_may_deploy_as_the_serving_account_and_change_nothing_else() -> None:
    graph = cicd(**DEPLOY)
    account = graph.named("cicd-deploy-sa").inputs

    assert (account["accountId"], account["project"]) == ("fraud-deploy", PROJECT)
    assert grants_of(graph, f"serviceAccount:{DEPLOY_SA}") == {
        ("roles/aiplatform.user", PROJECT),
        ("roles/cloudbuild.builds.viewer", PROJECT),
        ("roles/iam.serviceAccountUser", f"projects/{PROJECT}/serviceAccounts/{SERVING_SA}"),
    }


def test_without_an_endpoint_there_is_no_deploy_account() -> None:
    graph = cicd()

    assert not [r for r in custom(graph) if "serving" in r.name or "deploy" in r.name]
    assert all("serving" not in on for _, on in grants_of(graph, f"serviceAccount:{TRAIN_SA}"))


def test_pool_has_the_blueprint_pool_id_in_the_project() -> None:
    pool = cicd().named("cicd-pool").inputs

    assert (pool["workloadIdentityPoolId"], pool["project"]) == ("fraud-prod-gh", PROJECT)


@pytest.mark.parametrize("pool_id", ["gh", "x" * 33, "Fraud-gh", "gcp-fraud", "fraud_gh"])
def test_a_pool_id_gcp_would_refuse_is_refused_at_construction(pool_id: str) -> None:
    with pytest.raises(ValueError, match="pool_id"):
        cicd(pool_id=pool_id)


def test_pool_is_protected_only_when_asked() -> None:
    assert [r.name for r in custom(cicd(protect=True)) if r.protect] == ["cicd-pool"]
    assert not [r.name for r in custom(cicd()) if r.protect or r.retain_on_delete]


def test_outputs_are_what_the_auth_action_takes() -> None:
    def program() -> dict[str, Any]:
        component = GcpGithubActionsCicd("cicd", args(**DEPLOY))
        return {"account": component.service_account_email,
                "deploy": component.deploy_service_account_email,
                "provider": component.workload_identity_provider}  # fmt: skip

    graph = record(program, stack="test", invokes=TEST_INVOKES, outputs=fake_outputs)

    assert graph.outputs == {"account": TRAIN_SA, "deploy": DEPLOY_SA, "provider": "cicd-github"}


def test_every_resource_that_takes_a_project_gets_the_blueprint_project() -> None:
    for resource in custom(cicd(**DEPLOY)):
        if takes_project(resource.type):
            assert resource.inputs.get("project") == PROJECT, resource.name
