"""GcpVertexEndpointServing: the endpoint, its prediction log and its serving identity."""

from __future__ import annotations

import json
from typing import Any

from components.gcp.vertex_endpoint.component import (
    LOG_SAMPLING_RATE,
    GcpVertexEndpointServing,
    GcpVertexEndpointServingArgs,
)
from opsblocks.preview import Graph
from tests.recording import PROJECT, args_of, custom, resolved, run, strays

KEY = "projects/opsblocks-test/locations/us-central1/keyRings/fraud-keys/cryptoKeys/fraud-key"
LABELS = {"team": "risk", "opsblocks-capability": "serving"}
COMPONENT = "opsblocks:index:GcpVertexEndpointServing"
DATASET = "fraud_prod_predictions"
TABLE_URI = f"bq://{PROJECT}.{DATASET}.predictions"
IDENTITY = f"serviceAccount:serving-identity@{PROJECT}.iam.gserviceaccount.com"
OUTPUTS = ("endpoint_id", "endpoint_name", "prediction_log_table", "service_account_email",
           "deploy_settings")  # fmt: skip


def arguments(**overrides: Any) -> GcpVertexEndpointServingArgs:
    args: dict[str, Any] = {
        "labels": LABELS, "project": PROJECT, "region": "us-central1", "kms_key_id": KEY,
        "endpoint_name": "fraud-prod",
        "service_account_id": "fraud-serving", "private_default": False,
        "artifact_bucket": "fraud-artifacts", "repository_id": "fraud-prod-images",
        "prediction_dataset_id": DATASET,
    }  # fmt: skip
    return args_of(GcpVertexEndpointServingArgs, **args | overrides)


def serving(**overrides: Any) -> Graph:
    return run(lambda: GcpVertexEndpointServing("serving", arguments(**overrides)))


def outputs(**overrides: Any) -> tuple[GcpVertexEndpointServing, dict[str, Any]]:
    """The component and its resolved outputs, as the wiring reads them."""
    return resolved(lambda: GcpVertexEndpointServing("serving", arguments(**overrides)), OUTPUTS)


def endpoint(graph: Graph) -> dict[str, Any]:
    return graph.named("serving-endpoint", "AiEndpoint").inputs


def test_endpoint_has_the_explicit_name_in_the_region_of_the_project() -> None:
    sent = endpoint(serving())

    assert (sent["name"], sent["displayName"]) == ("fraud-prod", "fraud-prod")
    assert (sent["location"], sent["project"]) == ("us-central1", PROJECT)


def test_endpoint_is_encrypted_with_the_platform_key() -> None:
    assert endpoint(serving())["encryptionSpec"] == {"kmsKeyName": KEY}


def test_endpoint_logs_every_request_and_response_to_the_predictions_table() -> None:
    logging = endpoint(serving())["predictRequestResponseLoggingConfig"]

    assert logging == {"enabled": True, "samplingRate": 1.0,
                       "bigqueryDestination": {"outputUri": TABLE_URI}}  # fmt: skip


def test_sampling_rate_is_the_module_constant() -> None:
    logging = endpoint(serving())["predictRequestResponseLoggingConfig"]

    assert logging["samplingRate"] == LOG_SAMPLING_RATE


def test_prediction_dataset_is_in_the_region_and_encrypted_with_the_platform_key() -> None:
    dataset = serving().named("serving-predictions", "Dataset").inputs

    assert (dataset["datasetId"], dataset["location"]) == (DATASET, "us-central1")
    assert dataset["defaultEncryptionConfiguration"] == {"kmsKeyName": KEY}
    assert dataset["deleteContentsOnDestroy"] is False


def test_prediction_log_is_not_readable_by_every_project_viewer() -> None:
    dataset = serving().named("serving-predictions", "Dataset")

    # BigQuery's default access (no `accesses`) lets every project viewer read the log.
    assert dataset.inputs["accesses"] == [{"role": "OWNER", "specialGroup": "projectOwners"}]
    assert dataset.ignore_changes == ["accesses"]


def test_the_log_table_is_left_to_vertex_which_refuses_an_existing_one() -> None:
    assert not serving().of_type("gcp:bigquery/table:Table")


def test_prediction_dataset_is_protected_and_retained_only_when_asked() -> None:
    protected = serving(protect=True).named("serving-predictions", "Dataset")
    unprotected = serving().named("serving-predictions", "Dataset")

    assert (protected.protect, protected.retain_on_delete) == (True, True)
    assert (unprotected.protect, unprotected.retain_on_delete) == (False, False)


def test_nothing_but_the_dataset_is_protected() -> None:
    graph = serving(protect=True)

    assert [r.name for r in graph.resources if r.protect] == ["serving-predictions"]


def test_private_by_default_accepts_private_service_connect_from_the_project_only() -> None:
    sent = endpoint(serving(private_default=True))

    assert sent["privateServiceConnectConfig"] == {
        "enablePrivateServiceConnect": True, "projectAllowlists": [PROJECT]}  # fmt: skip
    assert "network" not in sent  # network peering and PSC exclude each other


def test_public_by_default_has_no_private_service_connect() -> None:
    assert "privateServiceConnectConfig" not in endpoint(serving(private_default=False))


def test_private_option_overrides_the_environment_default() -> None:
    forced_public = endpoint(serving(private_default=True, private=False))
    forced_private = endpoint(serving(private_default=False, private=True))

    assert "privateServiceConnectConfig" not in forced_public
    assert forced_private["privateServiceConnectConfig"]["enablePrivateServiceConnect"] is True


def test_private_output_is_the_plain_decision() -> None:
    assert outputs(private_default=True)[0].private is True
    assert outputs(private_default=True, private=False)[0].private is False


def test_models_run_as_a_dedicated_service_account() -> None:
    account = serving().named("serving-identity", "Account").inputs

    assert (account["accountId"], account["project"]) == ("fraud-serving", PROJECT)


def test_service_account_reads_only_the_artifact_bucket_and_the_image_repository() -> None:
    graph = serving()
    bucket = graph.named("serving-read-artifacts", "BucketIAMMember").inputs
    repository = graph.named("serving-pull-images", "RepositoryIamMember").inputs

    assert bucket == {"bucket": "fraud-artifacts", "role": "roles/storage.objectViewer",
                      "member": IDENTITY}  # fmt: skip
    assert repository == {"repository": "fraud-prod-images", "location": "us-central1",
                          "project": PROJECT, "role": "roles/artifactregistry.reader",
                          "member": IDENTITY}  # fmt: skip


def test_no_grant_reaches_beyond_a_single_resource() -> None:
    graph = serving()
    grants = [r for r in custom(graph) if "member" in r.inputs]

    assert {r.type for r in grants} == {
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    }
    assert not graph.of_type("gcp:projects/iAMMember:IAMMember")


def test_every_resource_that_takes_a_project_gets_it() -> None:
    graph = serving()

    for name in ("serving-identity", "serving-predictions", "serving-pull-images",
                 "serving-endpoint"):  # fmt: skip
        assert graph.named(name).inputs["project"] == PROJECT, name


def test_every_resource_belongs_to_the_component() -> None:
    assert not strays(serving(), COMPONENT)


def test_outputs_name_the_endpoint_its_log_and_its_identity() -> None:
    _, found = outputs()

    assert found["endpoint_id"] == "fraud-prod"
    assert found["endpoint_name"] == "serving-endpoint-id"  # the resource id: its full name
    assert found["prediction_log_table"] == TABLE_URI
    assert found["service_account_email"] == f"serving-identity@{PROJECT}.iam.gserviceaccount.com"


def test_deploy_settings_carry_the_sizes_and_identity_the_deploy_step_needs() -> None:
    _, found = outputs(machine_type="n1-highmem-8", min_replicas=2, max_replicas=5)

    assert json.loads(found["deploy_settings"]) == {
        "endpoint": "serving-endpoint-id", "region": "us-central1",
        "machine_type": "n1-highmem-8", "min_replica_count": 2, "max_replica_count": 5,
        "service_account": found["service_account_email"],
    }  # fmt: skip
