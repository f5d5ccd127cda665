"""AwsMlflowRegistry: the database, the passwords, the artifact bucket and the server's identity
it sends, and what it hands the portable MLflow server."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.aws.mlflow import component as mlflow
from components.aws.mlflow.component import AwsMlflowRegistry, AwsMlflowRegistryArgs
from components.aws.mlflow.options import MlflowRegistryOptions
from components.aws.mlflow.sizing import sizing
from opsblocks.preview import SECRET, Graph, record
from tests.recording import TEST_INVOKES as INVOKES
from tests.recording import args_of, fake_outputs, run, statements

KEY = "arn:aws:kms:us-east-1:123456789012:key/mlflow"
NODES = "sg-0nodes"
TAGS = {"team": "risk", "opsblocks:capability": "registry"}
LABELS = {"opsblocks-capability": "registry"}
IDENTIFIER = "fraud-dev-mlflow"


def args(**overrides: Any) -> AwsMlflowRegistryArgs:
    values: dict[str, Any] = {
        "tags": TAGS, "labels": LABELS, "region": "us-east-1", "kms_key_arn": KEY,
        "access_log_bucket": "access-logs", "vpc_id": "vpc-1",
        "subnet_ids": ["subnet-1", "subnet-2"], "cluster_name": "fraud-cluster",
        "node_security_group_id": NODES, "database_identifier": IDENTIFIER,
    }  # fmt: skip
    values.update(overrides)
    return args_of(AwsMlflowRegistryArgs, **values)


def build(made: AwsMlflowRegistryArgs) -> None:
    cluster = k8s.Provider("cluster", kubeconfig="{}")
    AwsMlflowRegistry("registry", made, pulumi.ResourceOptions(providers=[cluster]))


def registry(**overrides: Any) -> Graph:
    made = args(**overrides)
    return run(lambda: build(made), invokes=INVOKES)


@pytest.fixture
def server_args(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the component hands the portable server."""
    handed: list[Any] = []
    server = mlflow.MlflowServer

    def recording(name: str, server_args: Any, opts: pulumi.ResourceOptions | None = None) -> Any:
        handed.append(server_args)
        return server(name, server_args, opts)

    monkeypatch.setattr(mlflow, "MlflowServer", recording)
    return handed


def test_database_is_private_encrypted_with_the_platform_key_and_pinned_to_postgres_17() -> None:
    db = registry().named("registry-db", "Instance").inputs

    assert db["engine"] == "postgres"
    assert db["engineVersion"] == "17"
    assert db["autoMinorVersionUpgrade"] is True
    assert db["publiclyAccessible"] is False
    assert db["storageEncrypted"] is True
    assert db["kmsKeyId"] == KEY
    assert db["performanceInsightsEnabled"] is True
    assert db["performanceInsightsKmsKeyId"] == KEY
    assert db["identifier"] == IDENTIFIER
    assert db["dbName"] == "mlflow"
    assert db["copyTagsToSnapshot"] is True


def test_database_requires_tls_through_its_parameter_group() -> None:
    graph = registry()
    parameters = graph.named("registry-db", "ParameterGroup")

    assert parameters.inputs["family"] == "postgres17"
    assert {(p["name"], p["value"]) for p in parameters.inputs["parameters"]} == {
        ("rds.force_ssl", "1")}  # fmt: skip
    assert parameters.urn in graph.named("registry-db", "Instance").dependencies


def test_database_admits_postgres_only_from_the_cluster_nodes() -> None:
    graph = registry()

    [rule] = graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert rule.inputs["referencedSecurityGroupId"] == NODES
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == (
        "tcp", 5432, 5432)  # fmt: skip
    assert "cidrIpv4" not in rule.inputs
    assert graph.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") == []
    subnets = graph.named("registry-db", "SubnetGroup").inputs["subnetIds"]
    assert subnets == ["subnet-1", "subnet-2"]


def test_without_the_nodes_group_the_database_admits_the_platform_network() -> None:
    [rule] = registry(node_security_group_id=None).of_type(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
    )

    assert rule.inputs["cidrIpv4"] == "10.0.0.0/16"
    assert rule.inputs["fromPort"] == rule.inputs["toPort"] == 5432


def test_dev_database_is_small_single_zone_backed_up_a_week_and_unprotected() -> None:
    db = registry().named("registry-db", "Instance")

    assert db.inputs["instanceClass"] == "db.t4g.micro"
    assert db.inputs["multiAz"] is False
    assert db.inputs["backupRetentionPeriod"] == 7
    assert db.inputs["deletionProtection"] is False
    assert db.inputs["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in db.inputs
    assert (db.protect, db.retain_on_delete) == (False, False)


def test_prod_database_is_multi_az_kept_a_month_protected_and_snapshotted() -> None:
    graph = registry(prod=True, protect=True)
    db = graph.named("registry-db", "Instance")

    assert db.inputs["multiAz"] is True
    assert db.inputs["backupRetentionPeriod"] == 30
    assert db.inputs["deletionProtection"] is True
    assert db.inputs["skipFinalSnapshot"] is False
    assert db.inputs["finalSnapshotIdentifier"] == f"{IDENTIFIER}-final"
    assert db.inputs["deleteAutomatedBackups"] is False
    assert (db.protect, db.retain_on_delete) == (True, True)
    for logs in graph.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert (logs.protect, logs.retain_on_delete) == (True, True)


def test_database_logs_go_to_encrypted_log_groups_it_creates_first() -> None:
    graph = registry(log_retention_days=90)
    db = graph.named("registry-db", "Instance")

    assert db.inputs["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    for kind in ("postgresql", "upgrade"):
        logs = graph.named(f"registry-db-{kind}-logs")
        assert logs.inputs["name"] == f"/aws/rds/instance/{IDENTIFIER}/{kind}"
        assert logs.inputs["kmsKeyId"] == KEY
        assert logs.inputs["retentionInDays"] == 90
        assert logs.urn in db.dependencies


PASSWORD = "generated-password-of-"


def _known_passwords(type_token: str, name: str, inputs: Mapping[str, Any] | None = None
                     ) -> dict[str, Any]:  # fmt: skip
    if type_token == "random:index/randomPassword:RandomPassword":
        return {"result": PASSWORD + name}
    return fake_outputs(type_token, name, inputs)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def test_passwords_flow_only_as_secrets() -> None:
    made = args()

    def program() -> dict[str, Any]:
        build(made)
        return {}

    graph = record(program, stack="test", invokes=INVOKES, outputs=_known_passwords)

    leaks = [r.name for r in graph.resources if any(PASSWORD in s for s in _strings(r.inputs))]
    assert leaks == []
    assert graph.named("registry-db", "Instance").inputs["password"] == SECRET
    for version in graph.of_type("aws:secretsmanager/secretVersion:SecretVersion"):
        assert version.inputs["secretString"] == SECRET
    assert len(graph.of_type("random:index/randomPassword:RandomPassword")) == 2


def test_passwords_are_kept_in_secrets_manager_under_the_platform_key() -> None:
    graph = registry()

    secrets = graph.of_type("aws:secretsmanager/secret:Secret")
    assert sorted(s.name for s in secrets) == ["registry-admin-secret", "registry-db-secret"]
    for secret in secrets:
        assert secret.inputs["kmsKeyId"] == KEY
        assert secret.inputs["tags"] == TAGS


def test_server_role_is_assumed_only_by_the_mlflow_service_account_through_pod_identity() -> None:
    graph = registry()

    association = graph.named("registry-server-role", "PodIdentityAssociation").inputs
    assert (association["clusterName"], association["namespace"],
            association["serviceAccount"]) == ("fraud-cluster", "mlflow", "mlflow")  # fmt: skip
    assert association["roleArn"].endswith(":registry-server-role")
    [trust] = statements(
        json.loads(graph.named("registry-server-role", "Role").inputs["assumeRolePolicy"])
    )
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    assert trust["Condition"]["StringEquals"] == {
        "aws:RequestTag/eks-cluster-name": "fraud-cluster",
        "aws:RequestTag/kubernetes-namespace": "mlflow",
        "aws:RequestTag/kubernetes-service-account": "mlflow",
    }


def test_server_role_reaches_the_artifact_bucket_and_the_key_through_s3_only() -> None:
    graph = registry()
    bucket = graph.named("registry-artifacts", "Bucket")
    bucket_arn = f"arn:aws:s3:us-east-1:123456789012:{bucket.name}"

    policy = json.loads(graph.named("registry-server-role", "RolePolicy").inputs["policy"])
    objects, key = statements(policy)
    assert sorted(objects["Resource"]) == [bucket_arn, f"{bucket_arn}/*"]
    assert all(action.startswith("s3:") and "*" not in action for action in objects["Action"])
    assert key["Resource"] == [KEY]
    assert sorted(key["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert key["Condition"] == {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}


def test_artifact_bucket_is_the_shared_secure_bucket_protected_in_prod() -> None:
    graph = registry(prod=True, protect=True)

    encryption = graph.named("registry-artifacts-encryption").inputs["rules"][0]
    assert encryption["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == KEY
    bucket = graph.named("registry-artifacts", "Bucket")
    assert (bucket.protect, bucket.retain_on_delete) == (True, True)


def _associated(type_token: str, name: str, inputs: Mapping[str, Any] | None = None
                ) -> dict[str, Any]:  # fmt: skip
    """Outputs as the cloud answers them, the association's ARN included."""
    found = fake_outputs(type_token, name, inputs)
    if type_token == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
        found["associationArn"] = found["arn"]
    return found


def test_server_gets_the_database_the_artifact_store_and_no_cloud_credential() -> None:
    made = args(prod=True, protect=True)

    def program() -> dict[str, Any]:
        build(made)
        return {}

    graph = record(program, stack="test", invokes=INVOKES, outputs=_associated)

    [release] = graph.of_type("kubernetes:helm.sh/v3:Release")
    values = release.inputs["values"]
    # The host is the instance's address, known once RDS has created it.
    postgres = values["backendStore"]["postgres"]
    assert (postgres["enabled"], postgres["port"], postgres["database"]) == (True, 5432, "mlflow")
    assert values["replicaCount"] == 2
    assert values["extraPodLabels"] == LABELS
    bucket = graph.named("registry-artifacts", "Bucket").name
    assert values["artifactRoot"]["defaultArtifactsDestination"] == f"s3://{bucket}/mlflow"
    environment = values["extraEnvVars"]
    assert environment["AWS_REGION"] == environment["AWS_DEFAULT_REGION"] == "us-east-1"
    assert not any("KEY" in name or "SECRET" in name for name in environment)
    account = graph.named("registry-server-service-account", "ServiceAccount").inputs
    assert account["metadata"].get("annotations", {}) == {}
    secrets = graph.of_type("kubernetes:core/v1:Secret")
    assert {s.inputs["metadata"]["name"] for s in secrets} == {"mlflow-database", "mlflow-admin"}
    assert all(s.inputs["stringData"] == SECRET for s in secrets)


def test_server_pods_wait_for_the_pod_identity_association(server_args: list[Any]) -> None:
    made = args()
    dependencies: list[set[pulumi.Resource]] = []

    def program() -> dict[str, Any]:
        build(made)
        [handed] = server_args
        region = handed.environment["AWS_REGION"]
        dependencies.append(pulumi.runtime.sync_await._sync_await(region.resources()))
        return {}

    record(program, stack="test", invokes=INVOKES, outputs=fake_outputs)

    [resources] = dependencies
    assert {type(r).__name__ for r in resources} == {"PodIdentityAssociation"}


def test_sizes_follow_the_environment_unless_the_options_set_them() -> None:
    dev, prod = sizing(MlflowRegistryOptions(), False), sizing(MlflowRegistryOptions(), True)
    assert (dev.instance_class, dev.multi_az, dev.backup_retention_days, dev.replicas) == (
        "db.t4g.micro", False, 7, 1)  # fmt: skip
    assert (prod.instance_class, prod.multi_az, prod.backup_retention_days, prod.replicas) == (
        "db.t4g.medium", True, 30, 2)  # fmt: skip

    chosen = MlflowRegistryOptions(instance_class="db.r6g.large", high_availability=False,
                                   backup_retention_days=14, replicas=3)  # fmt: skip
    assert sizing(chosen, True) == sizing(chosen, False)
    assert sizing(chosen, True).multi_az is False


@pytest.mark.parametrize(("option", "value", "message"), [
    ("backup_retention_days", 3, "greater than or equal to 7"),
    ("backup_retention_days", 36, "less than or equal to 35"),
    ("instance_class", "m5.large", "should match pattern"),
    ("storage_gb", 10, "greater than or equal to 20"),
    ("replicas", 0, "greater than or equal to 1"),
])  # fmt: skip
def test_bad_options_are_refused_naming_the_option(
    option: str, value: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as refused:
        MlflowRegistryOptions.model_validate({option: value})
    assert option in str(refused.value)


def test_the_release_waits_for_the_association_and_the_auth_database() -> None:
    graph = registry()

    # RDS creates only the instance's first database: the server creates the basic-auth one.
    job = graph.named("registry-server-auth-database", "Job")
    env = {
        e["name"]: e.get("value")
        for e in job.inputs["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert (env["PGDATABASE"], env["AUTH_DATABASE"]) == ("mlflow", "mlflow_auth")
    release = graph.named("registry-server-release").dependencies
    assert job.urn in release
    assert graph.named("registry-server-role", "PodIdentityAssociation").urn in release
