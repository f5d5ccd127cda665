"""GcpMlflowRegistry: the Cloud SQL backend store, the passwords, the artifact bucket, the
server's Workload Identity, and what it hands the portable MLflow server."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.gcp.mlflow.options import MlflowOptions
from opsblocks.preview import SECRET, Graph, record
from tests.recording import PROJECT, args_of, custom, fake_outputs, run, strays, tags_of

if TYPE_CHECKING:
    from components.gcp.mlflow.component import GcpMlflowRegistry, GcpMlflowRegistryArgs
    from components.portable.mlflow.component import MlflowServerArgs

# The component and the portable server it installs are imported when a test runs, not when
# the module is collected: the options tests need neither.

REGION = "europe-west4"
KEY = f"projects/{PROJECT}/locations/{REGION}/keyRings/fraud-keys/cryptoKeys/fraud-key"
NETWORK = f"projects/{PROJECT}/global/networks/fraud-vpc"
POOL = f"{PROJECT}.svc.id.goog"
LABELS = {"team": "risk", "opsblocks-capability": "registry"}
COMPONENT = "opsblocks:index:GcpMlflowRegistry"
INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
DB_PASSWORD, ADMIN_PASSWORD = "Plain1DbPasswordOnlyInTests", "Plain2AdminPasswordOnlyInTests"


def args(**overrides: Any) -> GcpMlflowRegistryArgs:
    from components.gcp.mlflow.component import GcpMlflowRegistryArgs

    values: dict[str, Any] = {
        "labels": LABELS, "project": PROJECT, "region": REGION, "kms_key_id": KEY,
        "access_log_bucket": "fraud-access-logs", "network_id": NETWORK, "workload_pool": POOL,
        "service_account_id": "fraud-mlflow",
        "database_password_secret": "fraud-prod-mlflow-db-password",
        "admin_password_secret": "fraud-prod-mlflow-admin-password",
    }  # fmt: skip
    values.update(overrides)
    return args_of(GcpMlflowRegistryArgs, **values)


def build(**overrides: Any) -> GcpMlflowRegistry:
    from components.gcp.mlflow.component import GcpMlflowRegistry

    # The cluster's Kubernetes provider, as `site.on(host)` adds it.
    cluster = k8s.Provider("cluster", kubeconfig="{}")
    return GcpMlflowRegistry("registry", args(**overrides),
                             pulumi.ResourceOptions(providers=[cluster]))  # fmt: skip


def registry(**overrides: Any) -> Graph:
    return run(lambda: build(**overrides))


def instance(graph: Graph) -> dict[str, Any]:
    [found] = graph.of_type(INSTANCE)
    return found.inputs


def test_database_is_postgresql_on_a_private_ip_of_the_foundation_network_only() -> None:
    db = instance(registry())

    assert db["databaseVersion"] == "POSTGRES_17"
    ip = db["settings"]["ipConfiguration"]
    assert ip["ipv4Enabled"] is False
    assert ip["privateNetwork"] == NETWORK
    assert "authorizedNetworks" not in ip


def test_database_accepts_only_tls_connections() -> None:
    db = instance(registry())

    assert db["settings"]["ipConfiguration"]["sslMode"] == "ENCRYPTED_ONLY"


def test_database_is_encrypted_with_the_platform_key_once_the_sql_agent_may_use_it() -> None:
    graph = registry()

    [db] = graph.of_type(INSTANCE)
    assert db.inputs["encryptionKeyName"] == KEY
    grant = graph.named("registry-key-sqladmin")
    agent = graph.named("registry-agent-sqladmin")
    assert agent.inputs["service"] == "sqladmin.googleapis.com"
    assert grant.inputs["cryptoKeyId"] == KEY
    assert grant.inputs["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant.inputs["member"].endswith("@gcp-sa-sqladmin.iam.gserviceaccount.com")
    assert grant.urn in db.dependencies


def test_dev_database_keeps_a_week_of_daily_backups_with_point_in_time_recovery() -> None:
    backups = instance(registry())["settings"]["backupConfiguration"]

    assert backups["enabled"] is True
    assert backups["pointInTimeRecoveryEnabled"] is True
    assert backups["transactionLogRetentionDays"] == 7
    assert backups["backupRetentionSettings"] == {"retainedBackups": 7, "retentionUnit": "COUNT"}


def test_prod_database_keeps_thirty_backups_has_a_standby_and_cannot_be_deleted() -> None:
    graph = registry(protect=True, production=True)

    [db] = graph.of_type(INSTANCE)
    settings = db.inputs["settings"]
    assert settings["backupConfiguration"]["backupRetentionSettings"]["retainedBackups"] == 30
    assert settings["availabilityType"] == "REGIONAL"
    assert settings["tier"] == "db-custom-2-7680"
    assert settings["deletionProtectionEnabled"] is True
    assert settings["retainBackupsOnDelete"] is True
    assert db.inputs["deletionProtection"] is True
    assert (db.protect, db.retain_on_delete) == (True, True)


def test_dev_database_is_small_zonal_and_deletable() -> None:
    graph = registry()

    [db] = graph.of_type(INSTANCE)
    settings = db.inputs["settings"]
    assert (settings["tier"], settings["availabilityType"]) == ("db-custom-1-3840", "ZONAL")
    assert settings["edition"] == "ENTERPRISE"
    assert settings["deletionProtectionEnabled"] is False
    assert db.inputs["deletionProtection"] is False
    assert not [r.name for r in graph.resources if r.protect or r.retain_on_delete]


def test_options_choose_tier_storage_backups_and_availability() -> None:
    options = {"tier": "db-custom-4-15360", "storage_gb": 50, "backup_retention_days": 14,
               "high_availability": True}  # fmt: skip
    settings = instance(registry(**options))["settings"]

    assert (settings["tier"], settings["diskSize"]) == ("db-custom-4-15360", 50)
    assert settings["backupConfiguration"]["backupRetentionSettings"]["retainedBackups"] == 14
    assert settings["availabilityType"] == "REGIONAL"


def test_storage_grows_automatically_and_an_up_never_shrinks_it() -> None:
    graph = registry()

    [db] = graph.of_type(INSTANCE)
    assert db.inputs["settings"]["diskAutoresize"] is True
    assert "settings.diskSize" in db.ignore_changes


def test_database_logs_connections_and_carries_the_platform_labels() -> None:
    settings = instance(registry())["settings"]

    flags = {f["name"]: f["value"] for f in settings["databaseFlags"]}
    assert flags["log_connections"] == flags["log_disconnections"] == "on"
    assert settings["userLabels"] == LABELS


def test_the_mlflow_and_auth_databases_and_the_mlflow_user_are_created() -> None:
    graph = registry()

    names = {r.inputs["name"] for r in graph.of_type("gcp:sql/database:Database")}
    assert names == {"mlflow", "mlflow_auth"}
    [user] = graph.of_type("gcp:sql/user:User")
    assert (user.inputs["name"], user.inputs["type"]) == ("mlflow", "BUILT_IN")
    assert user.inputs["password"] == SECRET


def with_known_passwords(program: Callable[[], object] = build) -> Graph:
    """Recorded with the generated passwords known, as the engine knows them: a mock engine
    does not hide a provider's secret outputs, so a password that flows unwrapped shows."""
    plain = iter((DB_PASSWORD, ADMIN_PASSWORD))

    def outputs(type_token: str, name: str, inputs: Any) -> dict[str, Any]:
        if type_token == "random:index/randomPassword:RandomPassword":
            return {"result": next(plain)}
        return fake_outputs(type_token, name, inputs)

    def recorded() -> dict[str, Any]:
        program()
        return {}

    return record(recorded, stack="test", outputs=outputs, config={"gcp:project": PROJECT})


def test_passwords_are_never_sent_in_plain_text_to_any_resource() -> None:
    graph = with_known_passwords()

    sent = json.dumps([r.inputs for r in graph.resources])
    assert DB_PASSWORD not in sent
    assert ADMIN_PASSWORD not in sent
    versions = list(graph.of_type("gcp:secretmanager/secretVersion:SecretVersion"))
    assert len(versions) == 2
    assert all(v.inputs["secretData"] == SECRET for v in versions)


def test_the_server_is_handed_the_passwords_as_secrets_and_nowhere_else(
    handed: list[MlflowServerArgs],
) -> None:
    def program() -> None:
        build()
        [given] = handed
        # Probes that hide nothing themselves: what they record secret was handed as a secret.
        handed_values = {
            "database": given.database.password,
            "admin": given.admin_password,
            "host": given.database.host,
            "user": given.database.user,
            "destination": given.artifacts_destination,
            **given.environment,
        }
        for key, value in handed_values.items():
            k8s.core.v1.ConfigMap(f"probe-{key}", data={"value": value})  # fmt: skip

    graph = with_known_passwords(program)

    probes = {r.name.removeprefix("probe-"): r.inputs["data"]
              for r in graph.of_type("kubernetes:core/v1:ConfigMap")}  # fmt: skip
    assert probes["database"] == probes["admin"] == SECRET
    assert probes["destination"] == {"value": "gs://registry-artifacts/mlflow"}
    others = json.dumps([v for k, v in probes.items() if k not in ("database", "admin")])
    assert DB_PASSWORD not in others
    assert ADMIN_PASSWORD not in others


def test_passwords_are_kept_in_region_under_the_platform_key_once_the_agent_may_use_it() -> None:
    graph = registry()

    grant = graph.named("registry-secrets-key-secretmanager")
    assert graph.named("registry-secrets-agent-secretmanager").inputs["service"] == (
        "secretmanager.googleapis.com"
    )
    secrets = {s.inputs["secretId"]: s for s in graph.of_type("gcp:secretmanager/secret:Secret")}
    assert set(secrets) == {"fraud-prod-mlflow-db-password", "fraud-prod-mlflow-admin-password"}
    for secret in secrets.values():
        replicas = secret.inputs["replication"]["userManaged"]["replicas"]
        assert replicas == [{"location": REGION, "customerManagedEncryption": {"kmsKeyName": KEY}}]
        assert grant.urn in secret.dependencies


def test_the_server_acts_as_its_own_account_through_the_namespace_service_account() -> None:
    from components.portable.mlflow.component import NAMESPACE, SERVICE_ACCOUNT

    graph = registry()

    account = graph.named("registry-identity")
    assert account.inputs["accountId"] == "fraud-mlflow"
    binding = graph.named("registry-identity-workload")
    assert binding.inputs["role"] == "roles/iam.workloadIdentityUser"
    assert binding.inputs["serviceAccountId"] == "registry-identity"
    assert binding.inputs["member"] == f"serviceAccount:{POOL}[{NAMESPACE}/{SERVICE_ACCOUNT}]"
    assert (NAMESPACE, SERVICE_ACCOUNT) == ("mlflow", "mlflow")


def test_the_server_may_only_use_objects_of_its_artifact_bucket() -> None:
    graph = registry()

    email = f"registry-identity@{PROJECT}.iam.gserviceaccount.com"
    granted = [
        r for r in custom(graph) if r.type.startswith("gcp:") and email in json.dumps(r.inputs)
    ]
    assert [(r.type, r.inputs["bucket"], r.inputs["role"]) for r in granted] == [
        ("gcp:storage/bucketIAMMember:BucketIAMMember", "registry-artifacts",
         "roles/storage.objectUser"),
    ]  # fmt: skip
    assert "*" not in json.dumps([r.inputs for r in custom(graph) if "IAM" in r.type])


def test_artifact_bucket_is_a_private_secure_bucket_encrypted_with_the_key() -> None:
    graph = registry(protect=True, production=True)

    bucket = graph.named("registry-artifacts", "Bucket")
    assert bucket.inputs["encryption"] == {"defaultKmsKeyName": KEY}
    assert bucket.inputs["publicAccessPrevention"] == "enforced"
    assert bucket.inputs["logging"] == {"logBucket": "fraud-access-logs"}
    assert (bucket.protect, bucket.retain_on_delete) == (True, True)


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MlflowServerArgs]]:
    """What the component hands the portable server (which it still creates)."""
    component = importlib.import_module("components.gcp.mlflow.component")
    seen: list[MlflowServerArgs] = []
    server = component.MlflowServer

    def recording(name: str, args: MlflowServerArgs, opts: pulumi.ResourceOptions) -> object:
        seen.append(args)
        return server(name, args, opts)

    monkeypatch.setattr(component, "MlflowServer", recording)
    yield seen


def test_the_server_gets_its_identity_database_and_artifact_destination(
    handed: list[MlflowServerArgs],
) -> None:
    found: dict[str, Any] = {}

    def program() -> None:
        made = build(replicas=2)
        given = handed[0]
        outputs = {
            "annotation": given.identity.service_account_annotations[
                "iam.gke.io/gcp-service-account"
            ],
            "destination": given.artifacts_destination,
            "artifact_uri": made.artifact_uri,
            "project": given.environment["GOOGLE_CLOUD_PROJECT"],
            "user": given.database.user,
        }
        for key, value in outputs.items():
            pulumi.Output.from_input(value).apply(keep(key))

    def keep(key: str) -> Callable[[object], None]:
        return lambda value: found.__setitem__(key, value)

    graph = run(program)

    [given] = handed
    assert found["annotation"] == f"registry-identity@{PROJECT}.iam.gserviceaccount.com"
    assert found["destination"] == found["artifact_uri"] == "gs://registry-artifacts/mlflow"
    assert (found["project"], found["user"]) == (PROJECT, "mlflow")
    assert (given.database.name, given.database.port, given.replicas) == ("mlflow", 5432, 2)
    [server] = graph.of_type("opsblocks:index:MlflowServer")
    [mine] = graph.of_type(COMPONENT)
    assert server.parent == mine.urn


def test_the_release_waits_until_the_identity_may_act_and_reach_the_bucket() -> None:
    graph = registry()

    [release] = graph.of_type("kubernetes:helm.sh/v3:Release")
    for grant in ("registry-identity-workload", "registry-identity-artifacts"):
        assert graph.named(grant).urn in release.dependencies, grant


def test_every_resource_descends_from_the_component_and_carries_the_labels() -> None:
    graph = registry()

    assert not [s for s in strays(graph, COMPONENT) if s != "cluster"]
    labelled = [r for r in custom(graph) if r.type.startswith("gcp:") and "labels" in r.inputs]
    assert labelled
    assert all(tags_of(r).items() >= LABELS.items() for r in labelled)


def test_every_gcp_resource_is_created_in_the_platform_project() -> None:
    graph = registry()

    projects = {r.name: r.inputs.get("project") for r in custom(graph) if "project" in r.inputs}
    assert set(projects.values()) == {PROJECT}
    for name in ("registry-db", "registry-identity", "registry-secrets-db-password"):
        assert name in projects, name


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tier": "db-perf-optimized-N-2"}, "tier"),
        ({"backup_retention_days": 3}, "backup_retention_days"),
        ({"storage_gb": 5}, "storage_gb"),
    ],
)
def test_options_refuse_what_cloud_sql_enterprise_does_not_take(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        MlflowOptions(**options)
