"""Whole GCP platforms, as `pulumi up` would register them: the security defaults and the
first-apply ordering hold for every resource of every shipped GCP blueprint."""

import base64
import importlib
import json
import re
from functools import cache
from inspect import signature
from pathlib import Path

import pytest

from opsblocks import blueprint, program
from opsblocks.blueprint import Blueprint
from opsblocks.preview import UNKNOWN, Graph, record
from tests.platforms import recorded
from tests.recording import PROJECT, custom, run

ROOT = Path(__file__).parents[2]
SHIPPED = sorted((ROOT / "blueprints").glob("gcp-*.yaml"))


def build(bp: Blueprint) -> Graph:
    return run(lambda: program.build(bp))


@pytest.fixture(params=SHIPPED, ids=lambda p: p.name)
def shipped(request: pytest.FixtureRequest) -> tuple[Blueprint, Graph]:
    return recorded(request.param)


@cache
def takes(type_token: str, argument: str) -> bool:
    _, module_path, class_name = type_token.split(":")
    module = importlib.import_module(f"pulumi_gcp.{module_path.split('/')[0]}")
    return argument in signature(getattr(module, class_name)._internal_init).parameters


def test_every_resource_that_takes_a_project_waits_for_apis_and_key(
    shipped: tuple[Blueprint, Graph],
) -> None:
    # The foundation's `project` output resolves after the APIs and the key grants: a
    # resource that sets it waits for both on the first `pulumi up`.
    _, graph = shipped
    for resource in custom(graph):
        if resource.type.startswith("gcp:") and takes(resource.type, "project"):
            assert resource.inputs.get("project") == PROJECT, resource.urn


def test_no_workload_runs_as_the_default_compute_service_account(
    shipped: tuple[Blueprint, Graph],
) -> None:
    _, graph = shipped
    assert "-compute@developer.gserviceaccount.com" not in str([r.inputs for r in graph.resources])


def test_no_bucket_is_public_and_every_bucket_uses_the_key(
    shipped: tuple[Blueprint, Graph],
) -> None:
    _, graph = shipped
    for bucket in graph.of_type("gcp:storage/bucket:Bucket"):
        assert bucket.inputs["publicAccessPrevention"] == "enforced", bucket.urn
        assert "defaultKmsKeyName" in bucket.inputs.get("encryption", {}), bucket.urn


def test_bigquery_dataset_ids_are_letters_digits_and_underscores(
    shipped: tuple[Blueprint, Graph],
) -> None:
    """BigQuery refuses any other character (DatasetReference.datasetId): the blueprint names
    of the shipped GCP blueprints all have a hyphen."""
    bp, graph = shipped
    assert "-" in bp.name
    ids = [r.inputs["datasetId"] for r in graph.resources if "datasetId" in r.inputs]
    assert ids and all(re.fullmatch(r"[A-Za-z0-9_]{1,1024}", i) for i in ids), ids


def test_no_public_member_is_granted_anything(shipped: tuple[Blueprint, Graph]) -> None:
    _, graph = shipped
    text = str([r.inputs for r in graph.resources])
    assert "allUsers" not in text and "allAuthenticatedUsers" not in text


def test_changing_serving_options_changes_only_serving_and_the_deploy_build_sizes(
    tmp_path: Path,
) -> None:
    source = ROOT / "blueprints" / "gcp-vertex.yaml"
    before = build(blueprint.load(source))
    path = tmp_path / "bigger.yaml"
    path.write_text(source.read_text().replace("min_replicas: 2", "min_replicas: 3"))
    after = build(blueprint.load(path))
    serving = "opsblocks:index:GcpVertexEndpointServing"
    deploy = after.named("demand-forecast-cicd-deploy", "Trigger").urn

    def untouched(graph: Graph) -> dict[str, object]:
        return {r.urn: r.inputs for r in graph.resources
                if serving not in r.urn and r.urn != deploy}  # fmt: skip

    assert untouched(before) == untouched(after)
    # The deploy build deploys with the serving sizes: only those follow the change.
    sizes = before.named("demand-forecast-cicd-deploy", "Trigger").inputs["substitutions"]
    assert after.named("demand-forecast-cicd-deploy", "Trigger").inputs["substitutions"] == (
        sizes | {"_MIN_REPLICAS": "3"}
    )


def test_offline_preview_leaves_the_project_unknown() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "gcp-minimal.yaml")
    graph = record(lambda: program.build(bp))
    assert graph.named(f"{bp.name}-vpc", "Network").inputs["project"] == UNKNOWN
    assert not [w for w in graph.warnings if "deprecated" in w]


def test_ci_cd_and_monitoring_take_the_training_templates_and_schedule() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "gcp-vertex.yaml")
    graph = build(bp)
    templates = graph.named(f"{bp.name}-training-templates", "Repository").inputs["repositoryId"]
    schedule = graph.named(f"{bp.name}-training-schedule", "Job").name
    train = graph.named(f"{bp.name}-cicd-train", "Trigger").inputs["substitutions"]
    drift = graph.named(f"{bp.name}-monitoring-drift-check", "Job").inputs["httpTarget"]["body"]

    assert train["_SCHEDULER_JOB"] == schedule
    assert train["_TEMPLATE_REPOSITORY"] == f"https://us-central1-kfp.pkg.dev/{PROJECT}/{templates}"
    assert json.loads(base64.b64decode(drift))["templateUri"] == (
        f"https://us-central1-kfp.pkg.dev/{PROJECT}/{templates}/drift/latest"
    )


def test_a_failed_training_or_drift_schedule_and_drift_found_page_the_monitoring_channel() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "gcp-vertex.yaml")
    graph = build(bp)
    channel = [f"{bp.name}-monitoring-alert-email"]
    schedules = graph.named(f"{bp.name}-monitoring-schedule-failures", "AlertPolicy").inputs
    drift = graph.named(f"{bp.name}-monitoring-drift", "AlertPolicy").inputs
    gate = graph.named(f"{bp.name}-validation-failed-runs", "AlertPolicy").inputs

    [watched] = schedules["conditions"]
    assert f'"{bp.name}-training-schedule"' in watched["conditionMatchedLog"]["filter"]
    assert f'"{bp.name}-monitoring-drift-check"' in watched["conditionMatchedLog"]["filter"]
    assert schedules["notificationChannels"] == drift["notificationChannels"] == channel
    # Each run alert watches its own pipeline: a failed drift check is no failed gate.
    [gate_condition], [drift_condition] = gate["conditions"], drift["conditions"]
    assert "^demand-forecast-prod-training-" in gate_condition["conditionMatchedLog"]["filter"]
    assert '"^drift-' in drift_condition["conditionMatchedLog"]["filter"]


def test_the_deploy_build_deploys_with_the_serving_options() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "gcp-vertex.yaml")
    deploy = build(bp).named(f"{bp.name}-cicd-deploy", "Trigger").inputs["substitutions"]

    assert (deploy["_MACHINE_TYPE"], deploy["_MIN_REPLICAS"], deploy["_MAX_REPLICAS"]) == (
        "n1-standard-4", "2", "4")  # fmt: skip


def test_scheduled_training_runs_wait_for_private_services_access() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "gcp-minimal.yaml")
    graph = build(bp)

    assert graph.named(f"{bp.name}-psa", "Connection").urn in (
        graph.named(f"{bp.name}-training-schedule", "Job").dependencies
    )
