"""The portable MLflow server: the pinned chart, told nothing secret, on the restricted
namespace, reachable inside the cluster only, bound to each cloud's identity."""

from __future__ import annotations

import json
from dataclasses import replace
from fnmatch import fnmatch
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.portable import adapters
from components.portable.inputs import WorkloadIdentity
from components.portable.mlflow.component import (
    AUTH_DATABASE_SUFFIX,
    CHART,
    CHART_REPOSITORY,
    CHART_VERSION,
    NAMESPACE,
    PORT,
    SERVICE_ACCOUNT,
    MlflowDatabase,
    MlflowServer,
    MlflowServerArgs,
)
from opsblocks.preview import SECRET, Graph
from tests.recording import resolved, run

LABELS = {"opsblocks-blueprint": "fraud", "opsblocks-capability": "registry"}
DATABASE_PASSWORD = "Db0Passw0rdOnlyTheSecretKnows"
ADMIN_PASSWORD = "Adm1nPassw0rdOnlyTheSecretKnows"
RELEASE = "kubernetes:helm.sh/v3:Release"


def server(
    identity: WorkloadIdentity | None = None, secret: bool = True, **overrides: Any
) -> MlflowServer:
    def wrap(value: str) -> pulumi.Input[str]:
        return pulumi.Output.secret(value) if secret else value

    database = MlflowDatabase(
        host="fraud-db.internal", name="mlflow", user="mlflow", password=wrap(DATABASE_PASSWORD)
    )
    args = MlflowServerArgs(
        labels=LABELS,
        identity=identity or adapters.aws_identity(),
        database=database,
        artifacts_destination="s3://fraud-registry/mlflow",
        admin_password=wrap(ADMIN_PASSWORD),
        environment={"AWS_REGION": "eu-west-1"},
    )
    return MlflowServer("fraud-registry", replace(args, **overrides))


def release_values(graph: Graph) -> dict[str, Any]:
    [release] = graph.of_type(RELEASE)
    values: dict[str, Any] = release.inputs["values"]
    return values


def test_the_chart_is_pinned_to_its_version_from_its_repository() -> None:
    graph = run(server)

    [release] = graph.of_type(RELEASE)
    assert release.inputs["chart"] == CHART == "mlflow"
    assert release.inputs["version"] == CHART_VERSION
    assert CHART_VERSION.count(".") == 2 and CHART_VERSION.replace(".", "").isdigit()
    assert release.inputs["repositoryOpts"]["repo"] == CHART_REPOSITORY
    assert release.inputs["namespace"] == NAMESPACE
    assert release.inputs["atomic"] is True and release.inputs["cleanupOnFail"] is True
    image = release.inputs["values"]["image"]
    assert image["tag"] == "3.14.0" and image["repository"] == "burakince/mlflow"


@pytest.mark.parametrize("secret", [True, False], ids=["secret-inputs", "plain-inputs"])
def test_no_password_is_sent_anywhere_but_into_a_secret(secret: bool) -> None:
    graph = run(lambda: server(secret=secret))

    # A secret anywhere in the values would hide them all (and land in Helm's release record).
    assert isinstance(release_values(graph), dict)
    for resource in graph.resources:
        sent = json.dumps(resource.inputs)
        assert DATABASE_PASSWORD not in sent, resource.name
        assert ADMIN_PASSWORD not in sent, resource.name
    secrets = graph.of_type("kubernetes:core/v1:Secret")
    assert {s.inputs["metadata"]["name"] for s in secrets} == {"mlflow-database", "mlflow-admin"}
    assert all(s.inputs["stringData"] == SECRET for s in secrets)


def test_the_chart_reads_the_passwords_from_the_secrets() -> None:
    values = release_values(run(server))

    backend = values["backendStore"]
    assert backend["existingDatabaseSecret"]["name"] == "mlflow-database"
    assert backend["postgres"] == {
        "enabled": True,
        "host": "fraud-db.internal",
        "port": 5432,
        "database": "mlflow",
    }
    auth = values["auth"]
    assert auth["enabled"] is True and auth["appName"] == "basic-auth"
    assert auth["existingAdminSecret"]["name"] == "mlflow-admin"
    assert auth["postgres"]["database"] == f"mlflow{AUTH_DATABASE_SUFFIX}" == "mlflow_auth"
    assert auth["postgres"]["existingSecret"]["name"] == "mlflow-database"
    assert values["extraEnvVars"] == {"AWS_REGION": "eu-west-1", "PGSSLMODE": "require"}


def test_artifacts_are_proxied_by_the_server() -> None:
    values = release_values(run(server))

    assert values["artifactRoot"] == {
        "proxiedArtifactStorage": True,
        "defaultArtifactsDestination": "s3://fraud-registry/mlflow",
    }


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_pods_run_as_the_bound_service_account_with_the_identitys_labels(cloud: str) -> None:
    identity = {
        "aws": adapters.aws_identity(),
        "gcp": adapters.gcp_identity("fraud-mlflow@p.iam.gserviceaccount.com"),
        "azure": adapters.azure_identity("00000000-0000-0000-0000-0000000000cd"),
    }[cloud]
    graph = run(lambda: server(identity))

    values = release_values(graph)
    assert values["serviceAccount"] == {"create": False, "name": SERVICE_ACCOUNT}
    assert values["extraPodLabels"] == {**LABELS, **identity.pod_labels}
    account = graph.named("fraud-registry-service-account").inputs["metadata"]
    assert account["name"] == SERVICE_ACCOUNT == "mlflow" and account["namespace"] == NAMESPACE
    assert account["annotations"] == dict(identity.service_account_annotations)


def test_the_pods_meet_the_restricted_pod_security_standard() -> None:
    graph = run(server)

    values = release_values(graph)
    pod, container = values["podSecurityContext"], values["securityContext"]
    assert pod["runAsNonRoot"] is True and pod["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container["allowPrivilegeEscalation"] is False
    assert container["capabilities"] == {"drop": ["ALL"]}
    assert container["readOnlyRootFilesystem"] is True and container["runAsNonRoot"] is True
    labels = graph.named("fraud-registry-namespace").inputs["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels.items() >= LABELS.items()


def test_the_server_is_reachable_inside_the_cluster_only() -> None:
    graph = run(server)

    values = release_values(graph)
    assert values["service"]["type"] == "ClusterIP" and values["service"]["port"] == PORT
    assert values["ingress"] == {"enabled": False} and values["httpRoute"] == {"enabled": False}
    assert "mlflow.mlflow.svc.cluster.local:*" in values["serverAllowedHosts"]
    spec = graph.named("fraud-registry-network-policy").inputs["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["podSelector"]["matchLabels"] == {
        "app.kubernetes.io/name": "mlflow",
        "app.kubernetes.io/instance": "mlflow",
    }
    [ingress] = spec["ingress"]
    assert ingress["ports"] == [{"port": PORT, "protocol": "TCP"}]
    assert ingress["from"] == [{"namespaceSelector": {}}]


def test_egress_is_dns_postgres_https_and_the_workload_identity_endpoints() -> None:
    graph = run(server)

    egress = graph.named("fraud-registry-network-policy").inputs["spec"]["egress"]
    open_ports = sorted(
        (p["port"], p["protocol"]) for rule in egress if "to" not in rule for p in rule["ports"]
    )
    assert open_ports == [(53, "TCP"), (53, "UDP"), (443, "TCP"), (5432, "TCP")]
    endpoints = {
        (rule["to"][0]["ipBlock"]["cidr"], rule["ports"][0]["port"])
        for rule in egress
        if "to" in rule
    }
    assert endpoints == {
        ("169.254.170.23/32", 80),
        ("fd00:ec2::23/128", 80),
        ("169.254.169.254/32", 80),
        ("169.254.169.252/32", 988),
    }


def test_every_object_carries_the_platform_labels_and_descends_from_the_server() -> None:
    graph = run(server)

    for resource in graph.resources:
        if resource.custom and resource.type != RELEASE:
            assert resource.inputs["metadata"]["labels"].items() >= LABELS.items(), resource.name
    [component] = graph.of_type("opsblocks:index:MlflowServer")
    by_urn = graph.by_urn()
    for resource in graph.resources:
        if resource is not component:
            parent = by_urn[resource.parent] if resource.parent else None
            assert parent is not None and parent.type.startswith("opsblocks:index:"), resource.name


def test_port_forwarding_and_the_in_cluster_names_are_the_only_allowed_hosts() -> None:
    hosts = release_values(run(server))["serverAllowedHosts"]

    names = ["mlflow", "mlflow.mlflow", "mlflow.mlflow.svc", "mlflow.mlflow.svc.cluster.local"]
    local = ["localhost", "127.0.0.1"]  # kubectl port-forward, on any local port
    assert sorted(hosts) == sorted(h for n in names + local for h in (n, f"{n}:*"))
    forwarded = [h for h in ("localhost:8080", "127.0.0.1:5000", "evil.example:80")
                 if any(fnmatch(h, pattern) for pattern in hosts)]  # fmt: skip
    assert forwarded == ["localhost:8080", "127.0.0.1:5000"]


def test_the_tracking_uri_is_the_in_cluster_service() -> None:
    made, outputs = resolved(server, ["tracking_uri", "namespace"])

    assert outputs == {
        "tracking_uri": "http://mlflow.mlflow.svc.cluster.local:5000",
        "namespace": "mlflow",
    }
    assert made.admin_username == "admin"


def test_replicas_come_from_the_args() -> None:
    assert release_values(run(lambda: server(replicas=3)))["replicaCount"] == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"replicas": 0}, "mlflow replicas: 0 is not at least 1"),
        (
            {"environment": {"AWS_SECRET_ACCESS_KEY": "x"}},
            "mlflow environment: AWS_SECRET_ACCESS_KEY look like credentials",
        ),
    ],
)
def test_bad_args_fail_in_one_line(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        server(**overrides)


def test_a_given_image_runs_the_server_and_the_schema_migration() -> None:
    image = "registry.example:5000/platform/mlflow-azure:3.14.0-1"
    values = release_values(run(lambda: server(image=image)))

    given = {"repository": "registry.example:5000/platform/mlflow-azure", "tag": "3.14.0-1"}
    assert values["image"] == given
    assert values["initImages"]["mlflowDbMigration"] == given


def test_without_an_image_the_pinned_default_runs_both() -> None:
    values = release_values(run(server))

    pinned = {"repository": "burakince/mlflow", "tag": "3.14.0"}
    assert values["image"] == values["initImages"]["mlflowDbMigration"] == pinned


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("burakince/mlflow", "is not repository:tag"),
        ("registry.example:5000/mlflow", "is not repository:tag"),
        ("Mlflow:3", "is not repository:tag"),
        (":3.14.0", "is not repository:tag"),
        ("burakince/mlflow:latest", "is not pinned; name a version tag"),
    ],
)
def test_an_image_without_a_pinned_tag_fails_in_one_line(image: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"mlflow image: '{image}' {message}"):
        server(image=image)


def test_a_database_name_that_is_no_identifier_fails_in_one_line() -> None:
    bad = MlflowDatabase(host="h", name="ml-flow", user="u", password="p")
    with pytest.raises(ValueError, match="mlflow database name: 'ml-flow' is not"):
        server(database=bad)


def test_the_release_waits_for_the_secrets_and_what_the_caller_names() -> None:
    def build() -> None:
        grant = k8s.core.v1.ConfigMap(
            "fraud-grant", metadata=k8s.meta.v1.ObjectMetaArgs(name="grant")
        )
        server(after=[grant])

    graph = run(build)

    [release] = graph.of_type(RELEASE)
    waits_for = {graph.by_urn()[urn].name for urn in release.dependencies}
    assert waits_for >= {"fraud-grant", "fraud-registry-database", "fraud-registry-admin"}


JOB = "kubernetes:batch/v1:Job"


def test_no_auth_database_job_unless_asked() -> None:
    assert run(server).of_type(JOB) == []


def test_the_auth_database_is_created_from_the_namespace_before_the_release() -> None:
    graph = run(lambda: server(create_auth_database=True))

    [job] = graph.of_type(JOB)
    assert job.name == "fraud-registry-auth-database"
    assert job.inputs["metadata"]["namespace"] == NAMESPACE
    assert job.inputs["metadata"]["labels"] == LABELS
    [release] = graph.of_type(RELEASE)
    assert job.urn in release.dependencies
    pod = job.inputs["spec"]["template"]["spec"]
    [container] = pod["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert {name: env[name]["value"] for name in
            ("PGHOST", "PGPORT", "PGDATABASE", "PGSSLMODE", "AUTH_DATABASE")} == {
        "PGHOST": "fraud-db.internal", "PGPORT": "5432", "PGDATABASE": "mlflow",
        "PGSSLMODE": "require", "AUTH_DATABASE": "mlflow_auth"}  # fmt: skip
    for name, key in (("PGUSER", "username"), ("PGPASSWORD", "password")):
        assert "value" not in env[name]
        assert env[name]["valueFrom"]["secretKeyRef"] == {"name": "mlflow-database", "key": key}
    assert container["image"] == "postgres:17.6-alpine"


def test_the_auth_database_job_meets_the_restricted_pod_security_standard() -> None:
    graph = run(lambda: server(create_auth_database=True))

    pod = graph.of_type(JOB)[0].inputs["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    [container] = pod["containers"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert container["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
