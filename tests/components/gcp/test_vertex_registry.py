"""GcpVertexModelRegistry: what it sends for the repository, the metadata store and the bucket."""

from __future__ import annotations

import json
from typing import Any

from components.gcp.vertex_model_registry.component import (
    GcpVertexModelRegistry,
    GcpVertexModelRegistryArgs,
    cleanup_policies,
)
from opsblocks.preview import Graph
from tests.recording import PROJECT, args_of, custom, run, strays

REGION = "europe-west4"
KEY = f"projects/{PROJECT}/locations/{REGION}/keyRings/fraud-keys/cryptoKeys/fraud-key"
LABELS = {"team": "risk", "opsblocks-capability": "registry"}
COMPONENT = "opsblocks:index:GcpVertexModelRegistry"
STATEFUL = ("registry-images", "registry-metadata", "registry-artifacts")


def args(**overrides: Any) -> GcpVertexModelRegistryArgs:
    values: dict[str, Any] = {"labels": LABELS, "project": PROJECT, "region": REGION,
                              "kms_key_id": KEY, "access_log_bucket": "fraud-access-logs",
                              "repository_id": "fraud-prod-images"}  # fmt: skip
    values.update(overrides)
    return args_of(GcpVertexModelRegistryArgs, **values)


def registry(**overrides: Any) -> Graph:
    return run(lambda: GcpVertexModelRegistry("registry", args(**overrides)))


def test_repository_is_a_docker_repository_with_the_explicit_id_in_the_region() -> None:
    repository = registry().named("registry-images").inputs

    assert repository["format"] == "DOCKER"
    assert repository["repositoryId"] == "fraud-prod-images"
    assert repository["location"] == REGION


def test_repository_is_encrypted_with_the_platform_key_and_its_tags_are_immutable() -> None:
    repository = registry().named("registry-images").inputs

    assert repository["kmsKeyName"] == KEY
    assert repository["dockerConfig"] == {"immutableTags": True}


def test_cleanup_keeps_the_newest_images_and_deletes_untagged_ones_for_real() -> None:
    repository = registry(keep_images=7).named("registry-images").inputs

    policies = {p["id"]: p for p in repository["cleanupPolicies"]}
    assert policies["keep-newest"]["action"] == "KEEP"
    assert policies["keep-newest"]["mostRecentVersions"] == {"keepCount": 7}
    assert policies["delete-untagged"]["action"] == "DELETE"
    assert policies["delete-untagged"]["condition"] == {"tagState": "UNTAGGED"}
    assert repository["cleanupPolicyDryRun"] is False


def test_cleanup_never_deletes_tagged_images() -> None:
    deletes = [p for p in cleanup_policies(50) if p.action == "DELETE"]

    assert deletes
    assert all(p.condition is not None and p.condition.tag_state == "UNTAGGED" for p in deletes)


def test_metadata_store_is_the_default_store_of_the_region_encrypted_with_the_key() -> None:
    store = registry().named("registry-metadata").inputs

    # Vertex AI Pipelines record lineage only in the store called "default".
    assert store["name"] == "default"
    assert store["region"] == REGION
    assert store["encryptionSpec"] == {"kmsKeyName": KEY}


def test_artifact_bucket_is_a_private_secure_bucket_encrypted_with_the_key() -> None:
    graph = registry()

    [component] = graph.of_type(COMPONENT)
    [secure] = graph.of_type("opsblocks:index:GcpSecureBucket")
    assert (secure.name, secure.parent) == ("registry-artifacts", component.urn)
    bucket = graph.named("registry-artifacts", "Bucket").inputs
    assert bucket["encryption"] == {"defaultKmsKeyName": KEY}
    assert bucket["publicAccessPrevention"] == "enforced"
    assert bucket["logging"] == {"logBucket": "fraud-access-logs"}


def test_registry_grants_nobody_anything() -> None:
    graph = registry()

    # Training, serving and CI/CD grant their own service accounts on the repository and bucket.
    assert not [r.type for r in custom(graph) if "iam" in r.type.lower()]
    sent = json.dumps([r.inputs for r in custom(graph)])
    assert "allUsers" not in sent
    assert "allAuthenticatedUsers" not in sent


def test_every_resource_is_created_in_the_platform_project() -> None:
    graph = registry()

    assert {r.name: r.inputs.get("project") for r in custom(graph)} == {
        name: PROJECT for name in STATEFUL
    }


def test_repository_metadata_store_and_bucket_are_protected_and_retained_when_asked() -> None:
    graph = registry(protect=True)

    for name in STATEFUL:
        assert graph.named(name).protect, name
        assert graph.named(name).retain_on_delete, name


def test_nothing_is_protected_unless_asked() -> None:
    graph = registry()

    assert not [r.name for r in graph.resources if r.protect or r.retain_on_delete]


def test_every_resource_belongs_to_the_component() -> None:
    assert not strays(registry(), COMPONENT)


def test_outputs_give_the_image_url_the_store_and_the_artifact_location() -> None:
    seen: dict[str, str] = {}
    outputs = ("repository_id", "repository_url", "metadata_store_id", "artifact_bucket",
               "artifact_uri")  # fmt: skip

    def build() -> None:
        component = GcpVertexModelRegistry("registry", args())
        for output in outputs:
            getattr(component, output).apply(lambda value, key=output: seen.update({key: value}))

    run(build)

    # The fake cloud names each resource after its logical name and gives it `<name>-id`.
    assert seen == {
        "repository_id": "fraud-prod-images",
        "repository_url": f"{REGION}-docker.pkg.dev/{PROJECT}/fraud-prod-images",
        "metadata_store_id": "registry-metadata-id",
        "artifact_bucket": "registry-artifacts",
        "artifact_uri": "gs://registry-artifacts/",
    }
