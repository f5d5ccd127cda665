from typing import Any

import pulumi
import pytest

from components.gcp.foundation import ENCRYPTER, GcpFoundation, GcpFoundationArgs
from opsblocks.preview import Graph, RecordingMonitor
from tests.recording import PROJECT, PROJECT_NUMBER, run, strays, untagged

LABELS = {"opsblocks-blueprint": "forecast", "team": "planning"}
COMPONENT = "opsblocks:index:GcpFoundation"


def foundation(**overrides: object) -> Graph:
    args = {"labels": LABELS, "region": "us-central1", "apis": ["aiplatform.googleapis.com"],
            **overrides}  # fmt: skip
    return run(lambda: GcpFoundation("forecast", GcpFoundationArgs(**args)))  # type: ignore[arg-type]


def test_apis_are_enabled_and_never_disabled_on_destroy() -> None:
    services = foundation().of_type("gcp:projects/service:Service")
    names = {s.inputs["service"] for s in services}
    assert {
        "aiplatform.googleapis.com",
        "cloudkms.googleapis.com",
        "compute.googleapis.com",
        "servicenetworking.googleapis.com",
    } <= names
    assert all(s.inputs["disableOnDestroy"] is False for s in services)


def test_key_rotates_and_key_ring_and_key_are_protected_when_asked() -> None:
    graph = foundation(protect=True)
    key = graph.named("forecast-key", "CryptoKey")
    assert key.inputs["rotationPeriod"] == "7776000s"
    assert key.protect and graph.named("forecast-keys", "KeyRing").protect
    assert not foundation().named("forecast-key", "CryptoKey").protect


def test_every_service_agent_may_encrypt_with_the_key_before_anything_uses_it() -> None:
    graph = foundation(apis=["aiplatform.googleapis.com", "bigquery.googleapis.com"])
    grants = graph.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
    assert {g.inputs["role"] for g in grants} == {ENCRYPTER}
    members = {g.inputs["member"] for g in grants}
    assert (
        f"serviceAccount:service-{PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
        in members
    )
    assert (
        f"serviceAccount:bq-{PROJECT_NUMBER}@bigquery-encryption.iam.gserviceaccount.com" in members
    )
    agents = {
        a.inputs["service"] for a in graph.of_type("gcp:projects/serviceIdentity:ServiceIdentity")
    }
    assert agents == {"aiplatform.googleapis.com", "artifactregistry.googleapis.com"}


def test_pubsub_agent_is_created_and_may_encrypt_with_the_key_when_a_tool_uses_pubsub() -> None:
    graph = foundation(apis=["aiplatform.googleapis.com", "pubsub.googleapis.com"])

    agent = graph.named("forecast-agent-pubsub", "ServiceIdentity")
    assert agent.inputs["service"] == "pubsub.googleapis.com"
    assert graph.named("forecast-api-pubsub", "Service").urn in agent.dependencies
    grant = graph.named("forecast-key-pubsub", "CryptoKeyIAMMember").inputs
    assert grant["role"] == ENCRYPTER
    assert grant["member"] == (
        f"serviceAccount:service-{PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com"
    )


def test_no_pubsub_agent_unless_a_tool_uses_pubsub() -> None:
    graph = foundation()

    assert not [r for r in graph.resources if "pubsub" in r.name]


def test_compute_engine_agent_may_encrypt_workbench_disks_with_the_key() -> None:
    grant = foundation().named("forecast-key-compute", "CryptoKeyIAMMember").inputs

    assert grant == {
        "cryptoKeyId": "forecast-key-id",
        "role": ENCRYPTER,
        "member": f"serviceAccount:service-{PROJECT_NUMBER}@compute-system.iam.gserviceaccount.com",
    }


def test_vertex_runs_may_use_the_network_through_private_services_access() -> None:
    graph = foundation()
    peering_range = graph.named("forecast-psa-range", "GlobalAddress")
    connection = graph.named("forecast-psa", "Connection").inputs

    assert peering_range.inputs == {
        "project": PROJECT, "network": "forecast-vpc-id",
        "purpose": "VPC_PEERING", "addressType": "INTERNAL", "prefixLength": 16,
        "description": "opsblocks forecast: Private Services Access (Vertex AI runs)",
        "labels": LABELS,
    }  # fmt: skip
    assert connection == {"network": "forecast-vpc-id",
                          "service": "servicenetworking.googleapis.com",
                          "reservedPeeringRanges": ["forecast-psa-range"]}  # fmt: skip


def test_whatever_uses_the_network_waits_for_private_services_access() -> None:
    def build() -> None:
        component = GcpFoundation("forecast", GcpFoundationArgs(labels=LABELS, region="us-central1",
                                                                apis=[]))  # fmt: skip
        pulumi.CustomResource("test:index:Probe", "probe", {"network": component.network_id})

    graph = run(build)

    assert graph.named("forecast-psa", "Connection").urn in graph.named("probe").dependencies


def test_agents_key_ring_and_network_wait_for_the_apis() -> None:
    graph = foundation()
    apis = {s.urn for s in graph.of_type("gcp:projects/service:Service")}
    for kind in ("ServiceIdentity", "KeyRing", "Network", "Connection"):
        waiting = [r for r in graph.resources if r.type.endswith(f":{kind}")]
        assert waiting and all(apis <= set(r.dependencies) for r in waiting), kind


def test_subnet_reaches_google_apis_privately_and_logs_flows() -> None:
    subnet = foundation().named("forecast-private", "Subnetwork").inputs
    assert subnet["privateIpGoogleAccess"] is True
    assert subnet["logConfig"]["metadata"] == "INCLUDE_ALL_METADATA"
    network = foundation().named("forecast-vpc", "Network").inputs
    assert network["autoCreateSubnetworks"] is False


def test_labels_and_parents() -> None:
    graph = foundation()
    assert not untagged(graph, LABELS)
    assert not strays(graph, COMPONENT)


def test_cloud_storage_may_deliver_usage_logs_to_the_access_log_bucket() -> None:
    graph = foundation()
    [grant] = [g for g in graph.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
               if g.inputs["bucket"] == "forecast-access-logs"]  # fmt: skip

    # Google's usage-log set-up: the analytics group may create objects in the log bucket.
    assert grant.inputs == {"bucket": "forecast-access-logs",
                            "role": "roles/storage.objectCreator",
                            "member": "group:cloud-storage-analytics@google.com"}  # fmt: skip


def invokes_of(monkeypatch: pytest.MonkeyPatch, **overrides: object) -> dict[str, set[str]]:
    """Token -> names of the resources registered before each invoke the foundation makes.

    The engine runs an invoke declared to depend on resources only once they exist; offline,
    the SDK waits for them itself, so what was registered before the invoke shows the order.
    """
    registered: list[str] = []
    seen: dict[str, set[str]] = {}
    invoke, register = RecordingMonitor.Invoke, RecordingMonitor.RegisterResource

    def recording_invoke(monitor: RecordingMonitor, request: Any) -> Any:
        seen[request.tok] = set(registered)
        return invoke(monitor, request)

    def recording_register(monitor: RecordingMonitor, request: Any) -> Any:
        answer = register(monitor, request)
        registered.append(request.name)
        return answer

    monkeypatch.setattr(RecordingMonitor, "Invoke", recording_invoke)
    monkeypatch.setattr(RecordingMonitor, "RegisterResource", recording_register)
    foundation(**overrides)
    return seen


def test_resource_manager_and_storage_apis_are_enabled_whatever_the_tools() -> None:
    services = foundation(apis=[]).of_type("gcp:projects/service:Service")

    # Project IAM grants go through Resource Manager; the access-log bucket through Storage.
    assert {"cloudresourcemanager.googleapis.com", "storage.googleapis.com"} <= {
        s.inputs["service"] for s in services
    }


def test_service_agent_look_ups_wait_for_their_apis(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = invokes_of(monkeypatch, apis=["bigquery.googleapis.com"])

    storage = seen["gcp:storage/getProjectServiceAccount:getProjectServiceAccount"]
    bigquery = seen["gcp:bigquery/getDefaultServiceAccount:getDefaultServiceAccount"]
    assert "forecast-api-storage" in storage
    assert "forecast-api-bigquery" in bigquery


def test_bigquery_agent_is_not_looked_up_unless_a_tool_enables_bigquery(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = invokes_of(monkeypatch, apis=["aiplatform.googleapis.com"])

    assert "gcp:bigquery/getDefaultServiceAccount:getDefaultServiceAccount" not in seen


def test_the_access_log_bucket_is_on_the_platform_key_once_the_storage_agent_may_use_it() -> None:
    graph = foundation()
    bucket = graph.named("forecast-access-logs", "Bucket")
    assert bucket.inputs["encryption"] == {"defaultKmsKeyName": "forecast-key-id"}
    storage_grant = graph.named("forecast-key-storage", "CryptoKeyIAMMember")
    assert storage_grant.urn in bucket.dependencies
