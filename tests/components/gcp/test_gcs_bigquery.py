"""GcpGcsBigqueryData: what it sends for the raw and curated buckets and the BigQuery dataset."""

from __future__ import annotations

import json
from typing import Any

from components.gcp.gcs_bigquery.component import GcpGcsBigqueryData, GcpGcsBigqueryDataArgs
from opsblocks.preview import Graph
from tests.recording import PROJECT, args_of, custom, run, strays

KEY = "projects/opsblocks-test/locations/europe-west4/keyRings/fraud-keys/cryptoKeys/fraud-key"
LABELS = {"team": "risk", "opsblocks-capability": "data"}
COMPONENT = "opsblocks:index:GcpGcsBigqueryData"
BUCKETS = ("data-raw", "data-curated")


def data(**overrides: Any) -> Graph:
    args: dict[str, Any] = {"labels": LABELS, "project": PROJECT, "region": "europe-west4",
                            "kms_key_id": KEY, "access_log_bucket": "fraud-access-logs",
                            "dataset_id": "fraud_prod_data"}  # fmt: skip
    args.update(overrides)
    return run(lambda: GcpGcsBigqueryData("data", args_of(GcpGcsBigqueryDataArgs, **args)))


def test_raw_and_curated_buckets_are_secure_buckets_of_the_component() -> None:
    graph = data()

    [component] = graph.of_type(COMPONENT)
    buckets = graph.of_type("opsblocks:index:GcpSecureBucket")
    assert {b.name for b in buckets} == set(BUCKETS)
    assert {b.parent for b in buckets} == {component.urn}


def test_buckets_are_private_and_encrypted_with_the_platform_key() -> None:
    graph = data()

    for name in BUCKETS:
        bucket = graph.named(name, "Bucket").inputs
        assert bucket["publicAccessPrevention"] == "enforced", name
        assert bucket["uniformBucketLevelAccess"] is True, name
        assert bucket["encryption"] == {"defaultKmsKeyName": KEY}, name


def test_buckets_log_access_to_the_access_log_bucket() -> None:
    graph = data()

    for name in BUCKETS:
        assert graph.named(name, "Bucket").inputs["logging"] == {"logBucket": "fraud-access-logs"}


def test_buckets_move_to_nearline_and_expire_old_versions_after_the_given_days() -> None:
    graph = data(nearline_after_days=60, noncurrent_versions_days=14)

    for name in BUCKETS:
        rules = {r["action"]["type"]: r["condition"]
                 for r in graph.named(name, "Bucket").inputs["lifecycleRules"]}  # fmt: skip
        assert rules["SetStorageClass"]["age"] == 60, name
        assert rules["Delete"]["daysSinceNoncurrentTime"] == 14, name


def test_dataset_is_created_in_the_region_with_the_explicit_id() -> None:
    dataset = data().named("data-dataset").inputs

    assert dataset["datasetId"] == "fraud_prod_data"
    assert dataset["location"] == "europe-west4"


def test_dataset_tables_are_encrypted_with_the_platform_key() -> None:
    dataset = data().named("data-dataset").inputs

    assert dataset["defaultEncryptionConfiguration"] == {"kmsKeyName": KEY}


def test_dataset_keeps_its_tables_when_destroyed() -> None:
    assert data().named("data-dataset").inputs["deleteContentsOnDestroy"] is False


def test_dataset_is_readable_by_the_project_owners_only_not_by_every_project_viewer() -> None:
    graph = data()
    dataset = graph.named("data-dataset")

    # Without `accesses` BigQuery would add READER for projectReaders (every project viewer).
    assert dataset.inputs["accesses"] == [{"role": "OWNER", "specialGroup": "projectOwners"}]
    # The readers' own entries join after creation: the dataset must not take them away again.
    assert dataset.ignore_changes == ["accesses"]
    assert not [r.type for r in custom(graph) if "iam" in r.type.lower()]
    sent = json.dumps([r.inputs for r in custom(graph)])
    assert "allAuthenticatedUsers" not in sent
    assert "allUsers" not in sent


def test_every_resource_is_created_in_the_platform_project() -> None:
    graph = data()

    assert {r.name: r.inputs.get("project") for r in custom(graph)} == {
        name: PROJECT for name in (*BUCKETS, "data-dataset")
    }


def test_buckets_and_dataset_are_protected_and_retained_when_asked() -> None:
    graph = data(protect=True)

    for name in (*BUCKETS, "data-dataset"):
        assert graph.named(name).protect, name
        assert graph.named(name).retain_on_delete, name


def test_nothing_is_protected_unless_asked() -> None:
    graph = data()

    assert not [r.name for r in graph.resources if r.protect or r.retain_on_delete]


def test_every_resource_belongs_to_the_component() -> None:
    assert not strays(data(), COMPONENT)


def test_outputs_name_the_buckets_the_curated_uri_and_the_dataset() -> None:
    seen: dict[str, str] = {}

    def build() -> None:
        component = GcpGcsBigqueryData(
            "data",
            GcpGcsBigqueryDataArgs(labels=LABELS, project=PROJECT, region="europe-west4",
                                   kms_key_id=KEY, access_log_bucket="fraud-access-logs",
                                   dataset_id="fraud_prod_data"),
        )  # fmt: skip
        for output in ("raw_bucket", "curated_bucket", "data_uri", "dataset_id"):
            getattr(component, output).apply(lambda value, key=output: seen.update({key: value}))

    run(build)

    # The fake cloud names each bucket after its logical name.
    assert seen == {"raw_bucket": "data-raw", "curated_bucket": "data-curated",
                    "data_uri": "gs://data-curated/", "dataset_id": "fraud_prod_data"}  # fmt: skip
