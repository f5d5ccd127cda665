"""GcpCloudBuildCicd: triggers on a 2nd-gen connection, an approved deploy, a narrow identity."""

from __future__ import annotations

import importlib
import json
import re
from functools import cache
from inspect import signature
from typing import Any

import pytest

from components.gcp.cloud_build import steps
from components.gcp.cloud_build.component import GcpCloudBuildCicd, GcpCloudBuildCicdArgs
from components.gcp.cloud_build.events import runs_done_filter
from components.gcp.shared.cicd_identity import deploy_setting, repository_name
from components.gcp.shared.uris import bucket_of
from opsblocks.preview import Graph
from tests.recording import PROJECT, args_of, custom, fake_outputs, run, untagged

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
TOKEN = f"projects/{PROJECT}/secrets/github-token/versions/3"
TEST_SA, TRAIN_SA, DEPLOY_SA = (
    fake_outputs("gcp:serviceaccount/account:Account", f"cicd-{stage}-sa")["email"]
    for stage in ("test", "train", "deploy")
)


def cicd(**overrides: Any) -> Graph:
    values: dict[str, Any] = {
        "labels": LABELS, "project": PROJECT, "region": REGION, "kms_key_id": KEY,
        "account_ids": {duty: f"fraud-{duty}" for duty in ("test", "train", "deploy")},
        "repository_id": "fraud-prod-images",
        "template_repository_id": "fraud-prod-training-templates",
        "pipeline_root_uri": "gs://fraud-root/", "pipeline_name": "fraud-prod-training",
        "scheduler_job_name": "fraud-training-schedule", "training_service_account": TRAINING_SA,
        "repository": "acme/fraud-model", "github_app_installation_id": 4242,
        "github_token_secret": "github-token", "github_token_version": 3,
    }  # fmt: skip
    return run(
        lambda: GcpCloudBuildCicd("cicd", args_of(GcpCloudBuildCicdArgs, **values | overrides))
    )


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


def test_test_and_train_fire_on_pushes_to_exactly_the_branch_of_the_connected_repository() -> None:
    graph = cicd(branch="release/v1.0", **DEPLOY)
    repository = graph.named("cicd-repository").inputs
    found = triggers(graph)

    assert repository["remoteUri"] == "https://github.com/acme/fraud-model.git"
    assert repository["parentConnection"] == "cicd-github"
    assert repository["location"] == REGION
    for stage in ("test", "train"):
        assert found[stage]["location"] == REGION
        assert found[stage]["repositoryEventConfig"] == {
            "repository": "cicd-repository-id", "push": {"branch": r"^release/v1\.0$"}
        }  # fmt: skip
        push = found[stage]["repositoryEventConfig"]["push"]["branch"]
        assert re.fullmatch(push, "release/v1.0")
        assert not re.fullmatch(push, "release/v1x0")


def test_deploy_fires_on_the_completion_of_a_train_run_never_on_a_push() -> None:
    graph = cicd(**DEPLOY)
    deploy = triggers(graph)["deploy"]
    sinks = graph.of_type("gcp:logging/projectSink:ProjectSink")
    topic = graph.of_type("gcp:pubsub/topic:Topic")

    assert "repositoryEventConfig" not in deploy
    assert [t.name for t in topic] == ["cicd-runs-done"]
    assert deploy["pubsubConfig"] == {"topic": "cicd-runs-done-id"}
    assert deploy["substitutions"][steps.PIPELINE_JOB] == (
        "$(body.message.data.resource.labels.pipeline_job_id)"
    )
    assert len(sinks) == 1
    assert sinks[0].inputs["destination"] == "pubsub.googleapis.com/cicd-runs-done-id"
    assert sinks[0].inputs["uniqueWriterIdentity"] is True
    assert sinks[0].inputs["filter"] == runs_done_filter("fraud-prod-training")
    # Only documented fields and no `\-` escapes inside the quoted regular expression; the
    # deploy build reads the run and checks its state itself.
    assert sinks[0].inputs["filter"] == (
        'resource.type="aiplatform.googleapis.com/PipelineJob" '
        'AND log_id("aiplatform.googleapis.com/pipeline_job_events") '
        'AND resource.labels.pipeline_job_id=~"^fraud-prod-training-ci-"'
    )


@pytest.mark.parametrize("name", ["Fraud-training", "fraud.training", "fraud_training", ""])
def test_run_completion_filter_refuses_a_pipeline_name_a_regular_expression_would_misread(
    name: str,
) -> None:
    with pytest.raises(ValueError, match="pipeline name"):
        runs_done_filter(name)


def test_completion_topic_is_encrypted_with_the_platform_key() -> None:
    topic = cicd(**DEPLOY).named("cicd-runs-done", "Topic").inputs

    assert topic["kmsKeyName"] == KEY


def test_only_the_log_sink_may_publish_completion_events() -> None:
    graph = cicd(**DEPLOY)
    publishers = graph.of_type("gcp:pubsub/topicIAMMember:TopicIAMMember")

    assert [(p.inputs["topic"], p.inputs["role"]) for p in publishers] == [
        ("cicd-runs-done", "roles/pubsub.publisher")
    ]
    # The member is the sink's writer identity, which only the cloud knows.
    assert publishers[0].inputs["member"] == "(known after up)"
    assert graph.named("cicd-runs-done", "ProjectSink").urn in (publishers[0].dependencies)
    for email in (TEST_SA, TRAIN_SA, DEPLOY_SA):
        assert not [role for role, _ in grants_of(graph, email) if "pubsub" in role]


def test_every_build_is_inline_in_its_trigger_so_the_repository_cannot_change_it() -> None:
    for stage, trigger in triggers(cicd(**DEPLOY)).items():
        assert trigger["build"]["steps"], stage
        assert not {"filename", "gitFileSource", "autodetect"} & set(trigger), stage
    assert "sourceToBuild" not in triggers(cicd(**DEPLOY))["deploy"]


def test_each_stage_runs_as_its_own_account_and_logs_to_cloud_logging_only() -> None:
    graph = cicd(**DEPLOY)

    for stage, trigger in triggers(graph).items():
        account = graph.named(f"cicd-{stage}-sa").inputs
        assert (account["accountId"], account["project"]) == (f"fraud-{stage}", PROJECT)
        assert trigger["serviceAccount"] == f"cicd-{stage}-sa-id"
        assert trigger["build"]["options"] == {"logging": "CLOUD_LOGGING_ONLY"}
        assert "logsBucket" not in trigger["build"]


def test_the_code_under_test_runs_as_an_account_that_may_only_write_its_logs() -> None:
    assert grants_of(cicd(**DEPLOY), TEST_SA) == {("roles/logging.logWriter", PROJECT)}


def test_the_train_account_may_start_runs_but_not_deploy() -> None:
    graph = cicd(**DEPLOY)
    role = graph.named("cicd-train-pipeline-starter").inputs

    assert grants_of(graph, TRAIN_SA) == {
        ("roles/artifactregistry.writer", "fraud-prod-images"),
        ("roles/artifactregistry.writer", "fraud-prod-training-templates"),
        ("roles/storage.objectAdmin", "fraud-root"),
        ("cicd-train-pipeline-starter", PROJECT),
        ("roles/cloudscheduler.viewer", PROJECT),
        ("roles/logging.logWriter", PROJECT),
        ("roles/iam.serviceAccountUser", f"projects/{PROJECT}/serviceAccounts/{TRAINING_SA}"),
    }
    assert role["roleId"] == "fraud_train_pipelines"
    assert role["project"] == PROJECT
    assert sorted(role["permissions"]) == [
        "aiplatform.metadataStores.get", "aiplatform.pipelineJobs.create",
        "aiplatform.pipelineJobs.get"]  # fmt: skip


def test_the_deploy_account_may_deploy_as_the_serving_account_and_change_nothing_else() -> None:
    assert grants_of(cicd(**DEPLOY), DEPLOY_SA) == {
        ("roles/aiplatform.user", PROJECT),
        ("roles/cloudbuild.builds.viewer", PROJECT),
        ("roles/cloudscheduler.viewer", PROJECT),
        ("roles/logging.logWriter", PROJECT),
        ("roles/iam.serviceAccountUser", f"projects/{PROJECT}/serviceAccounts/{SERVING_SA}"),
    }


def test_grants_name_the_bucket_and_repositories_of_full_ids() -> None:
    repositories = f"projects/{PROJECT}/locations/{REGION}/repositories"
    found = grants_of(cicd(pipeline_root_uri="gs://fraud-root/runs/",
                           repository_id=f"{repositories}/imgs",
                           template_repository_id=f"{repositories}/kfp"), TRAIN_SA)  # fmt: skip

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


def test_cloud_build_agent_may_read_the_github_token_and_nothing_more() -> None:
    graph = cicd()
    token = graph.named("cicd-agent-token")
    agent = fake_outputs(
        "gcp:projects/serviceIdentity:ServiceIdentity",
        "cicd-agent",
        {"service": "cloudbuild.googleapis.com"},
    )["email"]

    assert graph.named("cicd-agent").inputs["service"] == "cloudbuild.googleapis.com"
    assert token.type == "gcp:secretmanager/secretIamMember:SecretIamMember"
    assert (token.inputs["project"], token.inputs["secretId"]) == (PROJECT, "github-token")
    assert token.inputs["role"] == "roles/secretmanager.secretAccessor"
    assert token.inputs["member"] == f"serviceAccount:{agent}"
    assert token.urn in graph.named("cicd-github").dependencies
    assert not [r for r in custom(graph) if r.inputs.get("role") == "roles/secretmanager.admin"]


def test_connection_is_complete_when_created_so_the_first_up_can_use_it() -> None:
    connection = cicd().named("cicd-github")

    assert connection.inputs["githubConfig"] == {
        "appInstallationId": 4242,
        "authorizerCredential": {"oauthTokenSecretVersion": TOKEN},
    }
    assert connection.inputs["location"] == REGION
    assert not connection.ignore_changes


def test_connection_is_protected_and_retained_only_when_asked() -> None:
    protected = cicd(protect=True)
    default = cicd()

    assert [r.name for r in custom(protected) if r.protect] == ["cicd-github"]
    assert protected.named("cicd-github").retain_on_delete
    assert not [r.name for r in custom(default) if r.protect or r.retain_on_delete]


def test_train_build_reads_its_targets_from_the_trigger_substitutions() -> None:
    train = triggers(cicd())["train"]

    assert [step["id"] for step in train["build"]["steps"]] == ["image", "templates", "pipeline"]
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
        steps.PIPELINE_JOB: "$(body.message.data.resource.labels.pipeline_job_id)",
        steps.SCHEDULER_JOB: "fraud-training-schedule",
        steps.KMS_KEY: KEY,
        steps.TEST_TRIGGER: "(known after up)",
        steps.TRAINING_SA: "fraud-pipeline@opsblocks-test.iam.gserviceaccount.com",
        steps.TEMPLATE_REPOSITORY: "https://europe-west4-kfp.pkg.dev/opsblocks-test/"
                                   "fraud-prod-training-templates",
    }  # fmt: skip


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

    # The topic takes GCP labels; the connection and repository carry them as annotations
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
