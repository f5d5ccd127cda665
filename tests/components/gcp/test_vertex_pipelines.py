"""GcpVertexPipelinesTraining: what it sends for its identity, grants, stores and scheduled run."""

from __future__ import annotations

import base64
import json
from inspect import signature
from typing import Any

import pulumi_gcp as gcp
import pytest

from components.gcp.vertex_pipelines.component import (
    GcpVertexPipelinesTraining,
    GcpVertexPipelinesTrainingArgs,
)
from opsblocks.preview import Graph, Resource
from tests.recording import (
    PROJECT,
    PROJECT_NUMBER,
    args_of,
    custom,
    run,
)

REGION = "us-central1"
KEY = f"projects/{PROJECT}/locations/{REGION}/keyRings/fraud-keys/cryptoKeys/fraud-key"
NETWORK = f"projects/{PROJECT}/global/networks/fraud-vpc"
SUBNET = f"projects/{PROJECT}/regions/{REGION}/subnetworks/fraud-private"
LABELS = {"team": "risk", "opsblocks-capability": "training"}
COMPONENT = "opsblocks:index:GcpVertexPipelinesTraining"
ACCOUNT = f"training-pipeline@{PROJECT}.iam.gserviceaccount.com"
MEMBER = f"serviceAccount:{ACCOUNT}"
NOTEBOOK_MEMBER = f"serviceAccount:training-workbench@{PROJECT}.iam.gserviceaccount.com"
DATA_BUCKETS = ["fraud-raw", "fraud-curated"]
STATEFUL = ("training-root", "training-templates", "training-tensorboard")


def training(**overrides: Any) -> Graph:
    values: dict[str, Any] = {
        "labels": LABELS, "project": PROJECT, "region": REGION, "kms_key_id": KEY,
        "access_log_bucket": "fraud-access-logs", "network_id": NETWORK, "subnet_id": SUBNET,
        "pipeline_name": "fraud-prod-training", "service_account_id": "fraud-pipeline",
        "workbench_account_id": "fraud-workbench",
        "data_bucket_names": DATA_BUCKETS, "data_uri": "gs://fraud-curated/",
        "dataset_id": "fraud_prod_data", "artifact_bucket": "fraud-artifacts",
        "artifact_uri": "gs://fraud-artifacts/", "repository_id": "fraud-prod-images",
        "quality_metric": "rmse", "quality_threshold": 12.5, "quality_direction": "minimize",
    }  # fmt: skip
    values.update(overrides)
    return run(
        lambda: GcpVertexPipelinesTraining(
            "training",
            args_of(GcpVertexPipelinesTrainingArgs, **values),
        )
    )


def scheduled_run(graph: Graph) -> dict[str, Any]:
    """The PipelineJob the scheduler POSTs, decoded from its base64 body."""
    body = graph.named("training-schedule").inputs["httpTarget"]["body"]
    decoded: dict[str, Any] = json.loads(base64.b64decode(body))
    return decoded


# Grant type -> the input naming what it grants on.
GRANTS = {
    "bucket": ("gcp:storage/bucketIAMMember:BucketIAMMember", "bucket"),
    "dataset": ("gcp:bigquery/datasetAccess:DatasetAccess", "datasetId"),
    "repository": ("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "repository"),
    "project": ("gcp:projects/iAMMember:IAMMember", "project"),
}


def roles_on(graph: Graph, kind: str, member: str = MEMBER) -> set[tuple[str, str]]:
    """(resource, role) of every grant of `kind` (bucket, dataset, ...) to `member`."""
    type_token, target = GRANTS[kind]
    return {(r.inputs[target], r.inputs["role"]) for r in graph.of_type(type_token)
            if grantee(r) == member}  # fmt: skip


def grantee(grant: Resource) -> str:
    """The IAM member of a grant; a dataset access entry names a service account by e-mail."""
    found: str = grant.inputs.get("member") or f"serviceAccount:{grant.inputs['userByEmail']}"
    return found


def takes_project(resource: Resource) -> bool:
    _, module_path, class_name = resource.type.split(":")
    cls = getattr(getattr(gcp, module_path.split("/")[0]), class_name)
    return "project" in signature(cls._internal_init).parameters


# --- the scheduled run ---


def test_scheduler_posts_a_pipeline_job_to_vertex_in_the_region_as_the_pipeline_account() -> None:
    target = training().named("training-schedule").inputs["httpTarget"]

    assert target["httpMethod"] == "POST"
    assert target["uri"] == (
        f"https://{REGION}-aiplatform.googleapis.com/v1/projects/{PROJECT}"
        f"/locations/{REGION}/pipelineJobs"
    )
    assert target["headers"] == {"Content-Type": "application/json"}
    assert target["oauthToken"]["serviceAccountEmail"] == ACCOUNT


def test_scheduled_run_executes_as_the_pipeline_account_encrypted_with_the_platform_key() -> None:
    job = scheduled_run(training())

    assert job["serviceAccount"] == ACCOUNT
    assert job["encryptionSpec"] == {"kmsKeyName": KEY}


def test_scheduled_run_carries_the_quality_gate_thresholds() -> None:
    parameters = scheduled_run(training())["runtimeConfig"]["parameterValues"]

    assert parameters["quality_metric"] == "rmse"
    assert parameters["quality_threshold"] == 12.5
    assert parameters["quality_direction"] == "minimize"


def test_without_a_validation_tool_the_run_has_no_gate_parameters() -> None:
    graph = training(quality_metric=None, quality_threshold=None, quality_direction="maximize")

    parameters = scheduled_run(graph)["runtimeConfig"]["parameterValues"]
    assert not {"quality_metric", "quality_threshold", "quality_direction"} & set(parameters)


def test_a_gate_without_a_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="no threshold"):
        training(quality_metric="auc", quality_threshold=None)


def test_scheduled_run_reads_the_blueprints_data_with_its_sizes_and_hyperparameters() -> None:
    graph = training(machine_type="n1-highmem-8", hyperparameters={"max_depth": 6, "eta": 0.1})
    parameters = scheduled_run(graph)["runtimeConfig"]["parameterValues"]

    assert parameters["data_uri"] == "gs://fraud-curated/"
    assert parameters["dataset"] == f"{PROJECT}.fraud_prod_data"
    assert parameters["artifact_uri"] == "gs://fraud-artifacts/"
    assert parameters["machine_type"] == "n1-highmem-8"
    assert parameters["hyperparameters"] == {"max_depth": 6, "eta": 0.1}
    assert parameters["project"] == PROJECT
    assert parameters["location"] == REGION


def test_scheduled_run_writes_to_the_pipeline_root_and_logs_to_the_tensorboard() -> None:
    job = scheduled_run(training())

    assert job["runtimeConfig"]["gcsOutputDirectory"] == "gs://training-root/"
    assert job["runtimeConfig"]["parameterValues"]["tensorboard"] == "training-tensorboard-id"


def test_scheduled_run_starts_from_the_latest_template_in_the_kfp_repository() -> None:
    graph = training()
    templates = graph.named("training-templates", "Repository").inputs

    assert templates["format"] == "KFP"
    assert templates["repositoryId"] == "fraud-prod-training-templates"
    assert scheduled_run(graph)["templateUri"] == (
        f"https://{REGION}-kfp.pkg.dev/{PROJECT}/fraud-prod-training-templates"
        "/fraud-prod-training/latest"
    )


def test_scheduled_run_is_peered_to_the_platform_network_by_project_number() -> None:
    job = scheduled_run(training())

    assert job["network"] == f"projects/{PROJECT_NUMBER}/global/networks/fraud-vpc"


def test_scheduled_run_is_labelled_and_named_after_the_pipeline() -> None:
    job = scheduled_run(training())

    assert job["labels"] == LABELS
    assert job["displayName"] == "fraud-prod-training"


def test_schedule_and_time_zone_come_from_the_blueprint() -> None:
    job = training(schedule="30 2 * * *", time_zone="Europe/Paris").named("training-schedule")

    assert job.inputs["schedule"] == "30 2 * * *"
    assert job.inputs["timeZone"] == "Europe/Paris"
    assert job.inputs["region"] == REGION


def test_scheduler_waits_for_the_run_permissions() -> None:
    graph = training()

    dependencies = graph.named("training-schedule").dependencies
    assert graph.named("training-pipeline-runs-jobs").urn in dependencies
    assert graph.named("training-pipeline-acts-as-itself").urn in dependencies


# --- identity and least privilege ---


def test_pipeline_runs_as_its_own_service_account() -> None:
    account = training().named("training-pipeline", "Account").inputs

    assert account["accountId"] == "fraud-pipeline"


def test_pipeline_account_reads_the_data_and_writes_only_the_root_and_artifact_buckets() -> None:
    assert roles_on(training(), "bucket") == {
        ("fraud-raw", "roles/storage.objectViewer"),
        ("fraud-curated", "roles/storage.objectViewer"),
        ("training-root", "roles/storage.objectAdmin"),
        ("fraud-artifacts", "roles/storage.objectAdmin"),
    }


def test_pipeline_account_reads_the_dataset_and_pulls_from_the_blueprints_repositories() -> None:
    graph = training()

    assert roles_on(graph, "dataset") == {("fraud_prod_data", "READER")}
    assert roles_on(graph, "repository") == {
        ("fraud-prod-images", "roles/artifactregistry.reader"),
        ("fraud-prod-training-templates", "roles/artifactregistry.reader"),
    }


def test_pipeline_account_may_run_pipelines_and_register_models_but_not_deploy() -> None:
    graph = training()

    role = graph.named("training-pipeline-runner", "IAMCustomRole").inputs
    permissions = set(role["permissions"])
    assert role["project"] == PROJECT
    assert role["roleId"] == "fraud_pipeline_runs"
    assert {
        "aiplatform.pipelineJobs.create", "aiplatform.metadataStores.get",
        "aiplatform.customJobs.create", "aiplatform.artifacts.create",
        "aiplatform.executions.create", "aiplatform.contexts.addContextArtifactsAndExecutions",
        "aiplatform.models.upload", "aiplatform.models.get", "aiplatform.tensorboardRuns.write",
    } <= permissions  # fmt: skip
    # Deploying, undeploying or changing an endpoint is the approved deploy build's alone.
    assert not [p for p in permissions if p.startswith("aiplatform.endpoints.")]
    assert not [p for p in permissions if p.endswith((".delete", ".setIamPolicy"))]
    assert "roles/aiplatform.user" not in {role for _, role in roles_on(graph, "project")}


def test_project_level_roles_are_only_those_gcp_offers_nowhere_narrower() -> None:
    graph = training(workbench=True)

    assert roles_on(graph, "project") == {
        (PROJECT, "training-pipeline-runner"),  # the custom role's name
        (PROJECT, "roles/bigquery.jobUser"),
    }
    assert roles_on(graph, "project", NOTEBOOK_MEMBER) == {(PROJECT, "roles/bigquery.jobUser")}
    project_roles = {r.inputs["role"] for r in graph.of_type("gcp:projects/iAMMember:IAMMember")}
    assert not any(role.startswith("roles/storage.") for role in project_roles)


def test_pipeline_account_may_act_as_itself_and_no_other() -> None:
    graph = training(workbench=True)

    [act_as] = graph.of_type("gcp:serviceaccount/iAMMember:IAMMember")
    assert act_as.inputs["role"] == "roles/iam.serviceAccountUser"
    assert act_as.inputs["member"] == MEMBER
    assert act_as.inputs["serviceAccountId"] == "training-pipeline"  # the account's name


# --- stores ---


def test_pipeline_root_is_a_secure_bucket_encrypted_with_the_platform_key() -> None:
    bucket = training().named("training-root", "Bucket").inputs

    assert bucket["encryption"] == {"defaultKmsKeyName": KEY}
    assert bucket["publicAccessPrevention"] == "enforced"
    assert bucket["logging"] == {"logBucket": "fraud-access-logs"}


def test_tensorboard_and_templates_are_encrypted_with_the_platform_key() -> None:
    graph = training()

    tensorboard = graph.named("training-tensorboard").inputs
    assert tensorboard["encryptionSpec"] == {"kmsKeyName": KEY}
    assert tensorboard["region"] == REGION
    assert graph.named("training-templates", "Repository").inputs["kmsKeyName"] == KEY


def test_stateful_resources_are_protected_and_retained_only_when_asked() -> None:
    protected, unprotected = training(protect=True), training(protect=False)

    for name in STATEFUL:
        [kept] = [r for r in custom(protected) if r.name == name]
        assert kept.protect and kept.retain_on_delete, name
    assert not any(r.protect or r.retain_on_delete for r in custom(unprotected))


# --- workbench ---


def test_workbench_exists_only_when_asked() -> None:
    assert not training().of_type("gcp:workbench/instance:Instance")
    assert len(training(workbench=True).of_type("gcp:workbench/instance:Instance")) == 1


def test_workbench_has_no_public_ip_and_no_root_and_runs_in_the_private_subnet() -> None:
    setup = training(workbench=True).named("training-notebook").inputs["gceSetup"]

    assert setup["disablePublicIp"] is True
    assert setup["metadata"] == {"notebook-disable-root": "true"}
    assert setup["networkInterfaces"] == [{"network": NETWORK, "subnet": SUBNET}]
    assert not any("accessConfigs" in interface for interface in setup["networkInterfaces"])


def test_workbench_disks_are_encrypted_with_the_platform_key_on_a_shielded_vm() -> None:
    setup = training(workbench=True).named("training-notebook").inputs["gceSetup"]

    for disk in ("bootDisk", "dataDisks"):
        assert setup[disk] == {"diskEncryption": "CMEK", "kmsKey": KEY}, disk
    shielded = {"enableSecureBoot": True, "enableVtpm": True, "enableIntegrityMonitoring": True}
    assert setup["shieldedInstanceConfig"] == shielded


def test_workbench_runs_as_its_own_account_that_only_reads_the_data() -> None:
    graph = training(workbench=True, workbench_machine_type="e2-standard-8")
    notebook = graph.named("training-notebook").inputs

    assert graph.named("training-workbench", "Account").inputs["accountId"] == "fraud-workbench"
    assert notebook["gceSetup"]["serviceAccounts"] == [
        {"email": f"training-workbench@{PROJECT}.iam.gserviceaccount.com"}
    ]
    assert notebook["gceSetup"]["machineType"] == "e2-standard-8"
    assert notebook["location"] == f"{REGION}-b"
    assert {role for _, role in roles_on(graph, "bucket", NOTEBOOK_MEMBER)} == {
        "roles/storage.objectViewer"
    }
    assert roles_on(graph, "dataset", NOTEBOOK_MEMBER) == {("fraud_prod_data", "READER")}


def test_workbench_notebooks_are_protected_only_when_asked() -> None:
    assert training(workbench=True, protect=True).named("training-notebook").protect
    assert not training(workbench=True, protect=False).named("training-notebook").protect


# --- every resource ---


def test_every_resource_that_takes_a_project_is_in_the_blueprints_project() -> None:
    graph = training(workbench=True)

    for resource in custom(graph):
        if takes_project(resource):
            assert resource.inputs.get("project") == PROJECT, resource.name


def test_outputs_name_the_account_pipeline_root_template_and_scheduler() -> None:
    captured: dict[str, Any] = {}

    def build() -> None:
        component = GcpVertexPipelinesTraining(
            "training",
            GcpVertexPipelinesTrainingArgs(
                labels=LABELS, project=PROJECT, region=REGION, kms_key_id=KEY,
                access_log_bucket="logs", network_id=NETWORK, subnet_id=SUBNET,
                pipeline_name="fraud-prod-training", service_account_id="fraud-pipeline",
                workbench_account_id="fraud-workbench", data_bucket_names=DATA_BUCKETS,
                data_uri="gs://fraud-curated/", dataset_id="fraud_prod_data",
                artifact_bucket="fraud-artifacts", artifact_uri="gs://fraud-artifacts/",
                repository_id="fraud-prod-images",
            ),
        )  # fmt: skip
        for output in ("service_account_email", "pipeline_name", "pipeline_root_uri",
                       "template_uri", "template_repository_id", "scheduler_job_name"):  # fmt: skip
            getattr(component, output).apply(lambda v, key=output: captured.setdefault(key, v))

    run(build)
    assert captured == {
        "service_account_email": ACCOUNT,
        "pipeline_name": "fraud-prod-training",
        "pipeline_root_uri": "gs://training-root/",
        "template_uri": f"https://{REGION}-kfp.pkg.dev/{PROJECT}/fraud-prod-training-templates"
        "/fraud-prod-training/latest",
        "template_repository_id": "fraud-prod-training-templates",
        "scheduler_job_name": "training-schedule",
    }
