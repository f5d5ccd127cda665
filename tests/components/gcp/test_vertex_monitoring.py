"""GcpVertexModelMonitoring: alerts, dashboard, drift-check identity and schedule."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from components.gcp.shared.log_alerts import failed_attempts_filter, failed_runs_filter
from components.gcp.shared.uris import bucket_of
from components.gcp.vertex_model_monitoring.component import (
    GcpVertexModelMonitoring,
    GcpVertexModelMonitoringArgs,
)
from components.gcp.vertex_model_monitoring.documents import dashboard_url, dataset_of
from opsblocks.preview import Graph
from tests.recording import PROJECT, args_of, run, strays

KEY = "projects/opsblocks-test/locations/us-central1/keyRings/fraud-keys/cryptoKeys/fraud-key"
LABELS = {"team": "risk", "opsblocks-capability": "monitoring"}
COMPONENT = "opsblocks:index:GcpVertexModelMonitoring"
TABLE = f"bq://{PROJECT}.fraud_prod_predictions.predictions"
ROOT = "gs://fraud-pipeline-root/"
TEMPLATES = "fraud-prod-training-templates"
TRAINING = {"template_repository_id": TEMPLATES, "pipeline_root_uri": ROOT}
NO_TRAINING = {"template_repository_id": None, "pipeline_root_uri": None}
EMAIL = f"monitoring-identity@{PROJECT}.iam.gserviceaccount.com"
IDENTITY = f"serviceAccount:{EMAIL}"
POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
CHANNEL = "monitoring-alert-email"
ENDPOINT = (
    'resource.type = "aiplatform.googleapis.com/Endpoint" AND '
    'resource.labels.endpoint_id = "fraud-prod"'
)


def arguments(**overrides: Any) -> GcpVertexModelMonitoringArgs:
    args: dict[str, Any] = {
        "labels": LABELS, "project": PROJECT, "region": "us-central1", "kms_key_id": KEY,
        "endpoint_id": "fraud-prod",
        "prediction_log_table": TABLE, "service_account_id": "fraud-monitor",
        **TRAINING, "alert_email": "ml@example.com",
    }  # fmt: skip
    return args_of(GcpVertexModelMonitoringArgs, **args | overrides)


def monitoring(**overrides: Any) -> Graph:
    return run(lambda: GcpVertexModelMonitoring("monitoring", arguments(**overrides)))


def outputs(**overrides: Any) -> tuple[GcpVertexModelMonitoring, dict[str, Any]]:
    found: dict[str, Any] = {}
    components: list[GcpVertexModelMonitoring] = []

    def build() -> None:
        component = GcpVertexModelMonitoring("monitoring", arguments(**overrides))
        components.append(component)
        component.dashboard_url.apply(lambda url: found.__setitem__("dashboard_url", url))
        for i, name in enumerate(component.alert_policy_names):
            name.apply(lambda value, i=i: found.__setitem__(f"policy{i}", value))

    run(build)
    return components[0], found


def policies(graph: Graph) -> dict[str, dict[str, Any]]:
    return {r.name.removeprefix("monitoring-"): r.inputs for r in graph.of_type(POLICY)}


def threshold(policy: dict[str, Any]) -> dict[str, Any]:
    [condition] = policy["conditions"]
    found: dict[str, Any] = condition["conditionThreshold"]
    return found


def drift_request(graph: Graph) -> dict[str, Any]:
    body = graph.named("monitoring-drift-check", "Job").inputs["httpTarget"]["body"]
    found: dict[str, Any] = json.loads(base64.b64decode(body))
    return found


def test_alert_email_gets_a_channel_tagged_with_user_labels() -> None:
    channel = monitoring().named(CHANNEL, "NotificationChannel").inputs

    assert (channel["type"], channel["labels"]) == ("email", {"email_address": "ml@example.com"})
    assert channel["userLabels"] == LABELS


def test_every_policy_notifies_the_channel() -> None:
    found = policies(monitoring())

    assert set(found) == {"errors", "latency-p99", "drift", "schedule-failures"}
    for name, policy in found.items():
        assert policy["notificationChannels"] == [CHANNEL], name


def test_without_an_address_there_is_no_channel_and_policies_notify_nobody() -> None:
    graph = monitoring(alert_email=None)

    assert not graph.of_type("gcp:monitoring/notificationChannel:NotificationChannel")
    assert all(p["notificationChannels"] == [] for p in policies(graph).values())
    assert outputs(alert_email=None)[0].notification_channel is None


def test_drift_found_by_a_drift_check_run_pages_the_channel() -> None:
    policy = policies(monitoring(drift_threshold=0.25))["drift"]
    [condition] = policy["conditions"]

    # A drift run fails when it finds drift above the threshold (or when a step errors).
    assert condition["conditionMatchedLog"]["filter"] == failed_runs_filter("drift")
    assert "0.25" in policy["documentation"]["content"]
    assert policy["alertStrategy"]["notificationRateLimit"] == {"period": "300s"}


def test_a_failed_attempt_of_the_drift_or_training_schedule_pages_the_channel() -> None:
    policy = policies(monitoring(scheduler_job_names=["fraud-training-schedule"]))
    [condition] = policy["schedule-failures"]["conditions"]

    assert condition["conditionMatchedLog"]["filter"] == failed_attempts_filter(
        ["fraud-training-schedule", "monitoring-drift-check"]
    )


def test_without_training_only_the_schedules_given_are_watched_and_no_drift_alert() -> None:
    assert set(policies(monitoring(**NO_TRAINING))) == {"errors", "latency-p99"}
    found = policies(monitoring(**NO_TRAINING, scheduler_job_names=["other-schedule"]))

    [condition] = found["schedule-failures"]["conditions"]
    assert condition["conditionMatchedLog"]["filter"] == failed_attempts_filter(["other-schedule"])
    assert "drift" not in found


def test_errors_policy_fires_above_the_allowed_errors_per_5_minutes() -> None:
    condition = threshold(policies(monitoring(max_errors_per_5min=7))["errors"])
    [aggregation] = condition["aggregations"]

    assert condition["filter"] == (
        f'{ENDPOINT} AND metric.type = "aiplatform.googleapis.com/prediction/online/error_count"'
    )
    assert (aggregation["alignmentPeriod"], aggregation["perSeriesAligner"],
            aggregation["crossSeriesReducer"]) == ("300s", "ALIGN_SUM", "REDUCE_SUM")  # fmt: skip
    assert (condition["comparison"], condition["thresholdValue"]) == ("COMPARISON_GT", 7)


def test_latency_policy_watches_the_p99_in_milliseconds_for_15_minutes() -> None:
    condition = threshold(policies(monitoring(latency_p99_ms=250))["latency-p99"])
    [aggregation] = condition["aggregations"]

    assert condition["filter"] == (
        f"{ENDPOINT} AND "
        'metric.type = "aiplatform.googleapis.com/prediction/online/prediction_latencies"'
    )
    assert aggregation["perSeriesAligner"] == "ALIGN_PERCENTILE_99"
    assert aggregation["crossSeriesReducer"] == "REDUCE_MAX"
    assert (condition["thresholdValue"], condition["duration"]) == (250, "900s")


def test_an_idle_endpoint_never_pages() -> None:
    for name in ("errors", "latency-p99"):
        policy = policies(monitoring())[name]
        assert threshold(policy)["evaluationMissingData"] == "EVALUATION_MISSING_DATA_INACTIVE", (
            name
        )


def test_dashboard_charts_requests_errors_latency_and_the_policies_of_the_endpoint() -> None:
    dashboard = json.loads(monitoring().named("monitoring-dashboard").inputs["dashboardJson"])
    widgets = [tile["widget"] for tile in dashboard["mosaicLayout"]["tiles"]]
    filters = [w["xyChart"]["dataSets"][0]["timeSeriesQuery"]["timeSeriesFilter"]["filter"]
               for w in widgets if "xyChart" in w]  # fmt: skip

    assert [f.split("metric.type = ")[1] for f in filters] == [
        '"aiplatform.googleapis.com/prediction/online/prediction_count"',
        '"aiplatform.googleapis.com/prediction/online/error_count"',
        '"aiplatform.googleapis.com/prediction/online/prediction_latencies"',
        '"aiplatform.googleapis.com/prediction/online/prediction_latencies"',
    ]
    assert all(f.startswith(ENDPOINT) for f in filters)
    assert [w["alertChart"]["name"] for w in widgets if "alertChart" in w] == [
        "monitoring-errors", "monitoring-latency-p99"]  # fmt: skip


def test_outputs_are_the_dashboard_console_url_and_the_policy_names() -> None:
    _, found = outputs()

    assert found["dashboard_url"] == (
        "https://console.cloud.google.com/monitoring/dashboards/custom/"
        f"monitoring-dashboard-id?project={PROJECT}"
    )
    assert (found["policy0"], found["policy1"]) == ("monitoring-errors", "monitoring-latency-p99")


def test_drift_checks_run_as_a_dedicated_service_account_reading_only_the_log_dataset() -> None:
    graph = monitoring()
    account = graph.named("monitoring-identity", "Account").inputs
    read = graph.named("monitoring-read-predictions", "DatasetAccess").inputs

    assert (account["accountId"], account["project"]) == ("fraud-monitor", PROJECT)
    # A `DatasetAccess` entry: IAM members would fight the dataset's explicit `accesses`.
    assert read == {
        "project": PROJECT,
        "datasetId": "fraud_prod_predictions",
        "role": "READER",
        "userByEmail": IDENTITY.removeprefix("serviceAccount:"),
    }


def test_project_level_grants_are_only_those_gcp_offers_nowhere_narrower() -> None:
    graph = monitoring()
    grants = graph.of_type("gcp:projects/iAMMember:IAMMember")

    assert {g.inputs["role"] for g in grants} == {
        "monitoring-drift-runner",
        "roles/bigquery.jobUser",
    }
    assert {g.inputs["member"] for g in grants} == {IDENTITY}


def test_drift_checks_run_pipelines_but_cannot_deploy() -> None:
    graph = monitoring()
    [role] = graph.of_type("gcp:projects/iAMCustomRole:IAMCustomRole")
    permissions = set(role.inputs["permissions"])

    assert {"aiplatform.pipelineJobs.create", "aiplatform.customJobs.create"} <= permissions
    # Deploying or changing an endpoint is the approved deploy build's alone.
    assert not [
        p for p in permissions if p.startswith(("aiplatform.endpoints.", "aiplatform.models."))
    ]


def test_service_account_may_act_as_itself_only() -> None:
    grant = monitoring().named("monitoring-act-as-itself").inputs

    assert grant == {"serviceAccountId": "monitoring-identity", "member": IDENTITY,
                     "role": "roles/iam.serviceAccountUser"}  # fmt: skip


def test_scheduler_starts_a_drift_run_on_the_schedule_as_the_monitoring_account() -> None:
    job = monitoring(drift_schedule="30 2 * * 1").named("monitoring-drift-check").inputs
    target = job["httpTarget"]

    assert (job["schedule"], job["timeZone"], job["region"]) == ("30 2 * * 1", "Etc/UTC",
                                                                 "us-central1")  # fmt: skip
    assert (target["httpMethod"], target["uri"]) == (
        "POST", f"https://us-central1-aiplatform.googleapis.com/v1/projects/{PROJECT}"
        "/locations/us-central1/pipelineJobs")  # fmt: skip
    assert target["oauthToken"]["serviceAccountEmail"] == EMAIL
    assert job["retryConfig"] == {"retryCount": 0}


def test_drift_run_starts_from_the_latest_drift_template_of_the_training_repository() -> None:
    request = drift_request(monitoring())

    assert request["templateUri"] == (
        f"https://us-central1-kfp.pkg.dev/{PROJECT}/{TEMPLATES}/drift/latest"
    )


def test_drift_runs_may_read_the_training_template_repository_only() -> None:
    graph = monitoring()
    [grant] = graph.of_type("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")

    assert grant.name == "monitoring-read-templates"
    assert grant.inputs == {"project": PROJECT, "location": "us-central1",
                            "repository": TEMPLATES, "role": "roles/artifactregistry.reader",
                            "member": IDENTITY}  # fmt: skip


def test_drift_run_reads_the_prediction_log_with_the_threshold_encrypted_with_the_key() -> None:
    request = drift_request(monitoring(drift_threshold=0.2))

    assert request["runtimeConfig"] == {
        "gcsOutputDirectory": "gs://fraud-pipeline-root/drift/",
        "parameterValues": {"prediction_table": TABLE, "drift_threshold": 0.2}}  # fmt: skip
    assert request["serviceAccount"] == EMAIL
    assert request["encryptionSpec"] == {"kmsKeyName": KEY}
    assert request["labels"] == LABELS


def test_first_drift_run_finds_the_accounts_permissions_in_place() -> None:
    graph = monitoring()
    job = graph.named("monitoring-drift-check")
    grants = ("monitoring-read-predictions", "monitoring-run-pipelines", "monitoring-query",
              "monitoring-act-as-itself", "monitoring-read-templates",
              "monitoring-pipeline-root")  # fmt: skip

    assert {graph.named(name).urn for name in grants} <= set(job.dependencies)


def test_drift_runs_write_to_the_pipeline_root_bucket_only() -> None:
    grant = monitoring(pipeline_root_uri="gs://fraud-root/pipelines").named(
        "monitoring-pipeline-root", "BucketIAMMember"
    )

    assert grant.inputs == {"bucket": "fraud-root", "role": "roles/storage.objectUser",
                            "member": IDENTITY}  # fmt: skip


def test_without_training_there_is_no_scheduled_drift_check() -> None:
    graph = monitoring(**NO_TRAINING)

    assert not graph.of_type("gcp:cloudscheduler/job:Job")
    assert not graph.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
    assert not graph.of_type("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")
    assert graph.named("monitoring-read-predictions")  # the identity stays, for manual runs


@pytest.mark.parametrize("given", ["template_repository_id", "pipeline_root_uri"])
def test_a_template_repository_without_a_pipeline_root_or_the_reverse_is_refused(
    given: str,
) -> None:
    with pytest.raises(ValueError, match="go together"):
        monitoring(**NO_TRAINING | {given: TRAINING[given]})


def test_every_resource_that_takes_a_project_gets_it() -> None:
    graph = monitoring()
    takes_project = ("gcp:monitoring/", "gcp:serviceaccount/account", "gcp:bigquery/",
                     "gcp:projects/", "gcp:cloudscheduler/", "gcp:artifactregistry/")  # fmt: skip

    for resource in graph.resources:
        if resource.type.startswith(takes_project):
            assert resource.inputs["project"] == PROJECT, resource.name


def test_nothing_is_protected_the_component_keeps_no_data() -> None:
    assert not [r.name for r in monitoring().resources if r.protect]


def test_every_resource_belongs_to_the_component() -> None:
    assert not strays(monitoring(), COMPONENT)
    assert not strays(monitoring(**NO_TRAINING, alert_email=None), COMPONENT)


def test_dataset_and_bucket_are_read_from_their_uris() -> None:
    assert dataset_of("bq://p.fraud_prod_predictions.predictions") == "fraud_prod_predictions"
    assert bucket_of("gs://fraud-root/pipelines/") == "fraud-root"


@pytest.mark.parametrize("uri", ["p.d.t", "bq://p.d", "bq://p..t", "gs://b/x"])
def test_a_malformed_table_uri_is_refused(uri: str) -> None:
    with pytest.raises(ValueError, match="not a BigQuery table URI"):
        dataset_of(uri)


@pytest.mark.parametrize("uri", ["fraud-root/x", "gs:///x", "bq://p.d.t"])
def test_a_malformed_bucket_uri_is_refused(uri: str) -> None:
    with pytest.raises(ValueError, match="not a Cloud Storage URI"):
        bucket_of(uri)


def test_dashboard_url_takes_the_last_part_of_the_dashboard_name() -> None:
    assert dashboard_url("p", "projects/42/dashboards/abc") == (
        "https://console.cloud.google.com/monitoring/dashboards/custom/abc?project=p"
    )


def test_the_renamed_component_keeps_its_former_type_as_an_alias() -> None:
    # Stacks created before the class lost its doubled "Monitoring" keep their URNs.
    [component] = monitoring().of_type(COMPONENT)
    assert component.aliases == ["opsblocks:index:GcpVertexModelMonitoringMonitoring::monitoring"]
