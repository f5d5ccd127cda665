"""GcpCloudBuildCicd: triggers on a 2nd-gen connection, an approved deploy, a narrow identity."""

from __future__ import annotations

import importlib
import json
import re
from functools import cache
from inspect import signature
from typing import Any

import pytest

from components.gcp import cloud_build_steps as steps
from components.gcp.cicd_identity import bucket_of, deploy_setting, repository_name
from components.gcp.cloud_build import GcpCloudBuildCicd, GcpCloudBuildCicdArgs
from opsblocks.preview import Graph
from tests.recording import PROJECT, custom, fake_outputs, run, strays, untagged

REGION = "europe-west4"
KEY = f"projects/{PROJECT}/locations/{REGION}/keyRings/fraud-keys/cryptoKeys/fraud-key"
LABELS = {"team": "risk", "opsblocks-capability": "cicd"}
COMPONENT = "opsblocks:index:GcpCloudBuildCicd"
TRIGGER = "gcp:cloudbuild/trigger:Trigger"
TRAINING_SA = f"fraud-pipeline@{PROJECT}.iam.gserviceaccount.com"
SERVING_SA = f"fraud-serving@{PROJECT}.iam.gserviceaccount.com"
ENDPOINT = f"projects/{PROJECT}/locations/{REGION}/endpoints/fraud-prod"
DEPLOY = {"deploy_settings": json.dumps({
    "endpoint": ENDPOINT, "region": REGION, "machine_type": "n1-highmem-8",
    "min_replica_count": 2, "max_replica_count": 5, "service_account": SERVING_SA})}  # fmt: skip
BUILD_SA = fake_outputs("gcp:serviceaccount/account:Account", "cicd-build-sa")["email"]


def cicd(**overrides: Any) -> Graph:
    values: dict[str, Any] = {
        "labels": LABELS, "project": PROJECT, "region": REGION, "kms_key_id": KEY,
        "service_account_id": "fraud-build", "repository_id": "fraud-prod-images",
        "template_repository_id": "fraud-prod-training-templates",
        "pipeline_root_uri": "gs://fraud-root/", "pipeline_name": "fraud-prod-training",
        "scheduler_job_name": "fraud-training-schedule", "training_service_account": TRAINING_SA,
        "repository": "acme/fraud-model",
    }  # fmt: skip
    return run(lambda: GcpCloudBuildCicd("cicd", GcpCloudBuildCicdArgs(**values | overrides)))


def triggers(graph: Graph) -> dict[str, dict[str, Any]]:
    return {r.name.removeprefix("cicd-"): r.inputs for r in graph.of_type(TRIGGER)}


TARGETS = ("bucket", "repository", "serviceAccountId", "project")
"""What an IAM member grants on, narrowest first."""


def grants_of(graph: Graph, email: str) -> set[tuple[str, str]]:
    """(role, what it is granted on) for every grant to `email`."""
    found = set()
    for resource in custom(graph):
        if resource.inputs.get("member") == f"serviceAccount:{email}":
            on = next(resource.inputs[key] for key in TARGETS if key in resource.inputs)
            found.add((resource.inputs["role"], on))
    return found


@cache
def takes_project(type_token: str) -> bool:
    _, module_path, class_name = type_token.split(":")
    owner = importlib.import_module(f"pulumi_gcp.{module_path.split('/')[0]}")
    return "project" in signature(getattr(owner, class_name)._internal_init).parameters


def test_deploy_trigger_requires_an_approval_before_production() -> None:
    found = triggers(cicd(**DEPLOY))

    assert found["deploy"]["approvalConfig"] == {"approvalRequired": True}
    assert "approvalConfig" not in found["test"]
    assert "approvalConfig" not in found["train"]


def test_without_an_endpoint_there_is_no_deploy_trigger_and_no_serving_grant() -> None:
    graph = cicd()

    assert sorted(triggers(graph)) == ["test", "train"]
    assert not [r for r in custom(graph) if "serving" in r.name]


def test_triggers_fire_on_pushes_to_exactly_the_branch_of_the_connected_repository() -> None:
    graph = cicd(branch="release/v1.0", **DEPLOY)
    repository = graph.named("cicd-repository").inputs

    assert repository["remoteUri"] == "https://github.com/acme/fraud-model.git"
    assert repository["parentConnection"] == "cicd-github"
    assert repository["location"] == REGION
    for trigger in triggers(graph).values():
        assert trigger["location"] == REGION
        assert trigger["repositoryEventConfig"] == {
            "repository": "cicd-repository-id", "push": {"branch": r"^release/v1\.0$"}
        }  # fmt: skip
        assert re.fullmatch(trigger["repositoryEventConfig"]["push"]["branch"], "release/v1.0")
        assert not re.fullmatch(trigger["repositoryEventConfig"]["push"]["branch"], "release/v1x0")


def test_every_build_runs_as_the_build_account_and_logs_to_cloud_logging_only() -> None:
    graph = cicd(**DEPLOY)
    account = graph.named("cicd-build-sa").inputs

    assert (account["accountId"], account["project"]) == ("fraud-build", PROJECT)
    for trigger in triggers(graph).values():
        assert trigger["serviceAccount"] == "cicd-build-sa-id"
        assert trigger["build"]["options"] == {"logging": "CLOUD_LOGGING_ONLY"}
        assert "logsBucket" not in trigger["build"]


def test_build_account_gets_only_narrow_grants() -> None:
    found = grants_of(cicd(**DEPLOY), BUILD_SA)

    assert found == {
        ("roles/artifactregistry.writer", "fraud-prod-images"),
        ("roles/artifactregistry.writer", "fraud-prod-training-templates"),
        ("roles/storage.objectAdmin", "fraud-root"),
        ("roles/aiplatform.user", PROJECT),
        ("roles/cloudscheduler.viewer", PROJECT),
        ("roles/logging.logWriter", PROJECT),
        ("roles/iam.serviceAccountUser", f"projects/{PROJECT}/serviceAccounts/{TRAINING_SA}"),
        ("roles/iam.serviceAccountUser", f"projects/{PROJECT}/serviceAccounts/{SERVING_SA}"),
    }


def test_grants_name_the_bucket_and_repositories_of_full_ids() -> None:
    repositories = f"projects/{PROJECT}/locations/{REGION}/repositories"
    found = grants_of(cicd(pipeline_root_uri="gs://fraud-root/runs/",
                           repository_id=f"{repositories}/imgs",
                           template_repository_id=f"{repositories}/kfp"), BUILD_SA)  # fmt: skip

    assert ("roles/storage.objectAdmin", "fraud-root") in found
    assert ("roles/artifactregistry.writer", "imgs") in found
    assert ("roles/artifactregistry.writer", "kfp") in found


def test_bucket_and_repository_names_come_from_uris_and_ids() -> None:
    assert bucket_of("gs://fraud-root") == "fraud-root"
    assert bucket_of("gs://fraud-root/a/b/") == "fraud-root"
    assert repository_name("projects/p/locations/l/repositories/imgs") == "imgs"
    assert repository_name("imgs") == "imgs"
    with pytest.raises(ValueError, match="gs://"):
        bucket_of("s3://fraud-root/")


def test_the_serving_account_is_read_from_the_deploy_settings() -> None:
    settings = DEPLOY["deploy_settings"]

    assert deploy_setting(settings, "service_account") == SERVING_SA
    with pytest.raises(ValueError, match="no 'service_account'"):
        deploy_setting(json.dumps({"endpoint": ENDPOINT}), "service_account")


def test_cloud_build_agent_may_keep_the_github_token_before_the_connection_exists() -> None:
    graph = cicd()
    secrets = graph.named("cicd-agent-secrets")
    agent = fake_outputs("gcp:projects/serviceIdentity:ServiceIdentity", "cicd-agent")["email"]

    assert graph.named("cicd-agent").inputs["service"] == "cloudbuild.googleapis.com"
    assert secrets.inputs["role"] == "roles/secretmanager.admin"
    assert secrets.inputs["member"] == f"serviceAccount:{agent}"
    assert secrets.urn in graph.named("cicd-github").dependencies


def test_connection_is_bound_to_the_app_installation_only_when_given() -> None:
    installed = cicd(github_app_installation_id=4242).named("cicd-github").inputs
    pending = cicd().named("cicd-github").inputs

    assert installed["githubConfig"] == {"appInstallationId": 4242}
    assert "githubConfig" not in pending
    assert pending["location"] == REGION


def test_connection_is_protected_and_retained_only_when_asked() -> None:
    protected = cicd(protect=True)
    default = cicd()

    assert [r.name for r in custom(protected) if r.protect] == ["cicd-github"]
    assert protected.named("cicd-github").retain_on_delete
    assert not [r.name for r in custom(default) if r.protect or r.retain_on_delete]


def test_train_build_reads_its_targets_from_the_trigger_substitutions() -> None:
    train = triggers(cicd())["train"]

    assert [step["id"] for step in train["build"]["steps"]] == ["test", "image", "templates",
                                                                 "pipeline"]  # fmt: skip
    assert train["substitutions"] == {
        steps.REGION: REGION,
        steps.PIPELINE_ROOT: "gs://fraud-root",
        steps.PIPELINE_NAME: "fraud-prod-training",
        steps.SCHEDULER_JOB: "fraud-training-schedule",
        steps.TRAINING_SA: TRAINING_SA,
        steps.KMS_KEY: KEY,
        steps.LABELS: json.dumps(LABELS, sort_keys=True),
        steps.IMAGE: f"{REGION}-docker.pkg.dev/{PROJECT}/fraud-prod-images/training",
        steps.TEMPLATE_REPOSITORY: f"https://{REGION}-kfp.pkg.dev/{PROJECT}/"
                                   "fraud-prod-training-templates",
    }  # fmt: skip


def test_deploy_build_deploys_with_the_serving_settings() -> None:
    deploy = triggers(cicd(**DEPLOY))["deploy"]

    assert deploy["substitutions"] == {
        steps.REGION: REGION,
        steps.PIPELINE_NAME: "fraud-prod-training",
        steps.ENDPOINT_ID: "fraud-prod",
        steps.SERVING_SA: SERVING_SA,
        steps.MACHINE_TYPE: "n1-highmem-8",
        steps.MIN_REPLICAS: "2",
        steps.MAX_REPLICAS: "5",
    }


def test_each_trigger_defines_exactly_the_substitutions_its_build_reads() -> None:
    for stage, trigger in triggers(cicd(**DEPLOY)).items():
        build_steps = trigger["build"]["steps"]
        read = {name for step in build_steps for env in step.get("envs", [])
                for name in re.findall(r"\$\{(\w+)\}", env)}  # fmt: skip

        assert set(trigger.get("substitutions", {})) == {n for n in read if n.startswith("_")}
        assert {n for n in read if not n.startswith("_")} <= steps.BUILT_IN, stage
        for step in build_steps:
            assert "$" not in step["args"][1].replace("$$", ""), (stage, step["id"])


def test_builds_get_at_most_the_time_their_stage_needs() -> None:
    found = triggers(cicd(**DEPLOY))

    assert {stage: t["build"]["timeout"] for stage, t in found.items()} == steps.TIMEOUTS


def test_labels_reach_what_takes_them() -> None:
    graph = cicd(**DEPLOY)

    # Nothing here takes GCP labels; the connection and repository carry them as annotations
    # and the pipeline jobs the train build starts get them (substitution _LABELS).
    assert not untagged(graph, LABELS)
    assert graph.named("cicd-github").inputs["annotations"] == LABELS
    assert graph.named("cicd-repository").inputs["annotations"] == LABELS


def test_every_resource_that_takes_a_project_gets_the_blueprint_project() -> None:
    for resource in custom(cicd(**DEPLOY)):
        if takes_project(resource.type):
            assert resource.inputs.get("project") == PROJECT, resource.name


def test_no_service_account_key_is_ever_created() -> None:
    assert not cicd(**DEPLOY).of_type("gcp:serviceaccount/key:Key")


def test_everything_descends_from_the_component() -> None:
    assert not strays(cicd(**DEPLOY), COMPONENT)
