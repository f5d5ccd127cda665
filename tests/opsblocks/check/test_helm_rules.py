"""The Helm rules on what they name, and on the portable MLflow server as it is recorded."""

from __future__ import annotations

import pulumi

from components.portable import adapters
from components.portable.mlflow.component import MlflowDatabase, MlflowServer, MlflowServerArgs
from opsblocks.check.graph import Node, Stack
from opsblocks.check.rules.portable import helm_chart_pinned, helm_values_secrets
from opsblocks.check.rules.portable.helm_values_secrets import literal_secrets
from tests.recording import run


def test_every_literal_credential_is_named_by_its_path() -> None:
    values = {
        "backendStore": {"postgres": {"password": "Pa33w0rd", "host": "db"}},
        "auth": {"adminPassword": "hunter2", "existingAdminSecret": {"passwordKey": "password"}},
        "sidecars": [{"env": {"apiToken": "t0k3n"}}],
        "artifactRoot": {"azureBlob": {"accessKey": "a1b2", "connectionString": ""}},
        "flaskServerSecretKey": "[secret]",
        "oidcAuth": {"existingSecret": {"clientSecretKey": "OIDC_CLIENT_SECRET"}},
        "extraEnvVars": {"AWS_SECRET_ACCESS_KEY": "wJalr", "AWS_REGION": "eu-west-1"},
        "env": [{"name": "AZURE_STORAGE_CONNECTION_STRING", "value": "AccountKey=x"}],
        "backendStore_uri": "postgresql://mlflow:Pa33w0rd@db:5432/mlflow",
        "trackingUri": "http://mlflow.mlflow.svc:5000",
        "tokenRef": {"token": "t0k3n"},
    }

    assert sorted(literal_secrets(values)) == [
        "artifactRoot.azureBlob.accessKey", "auth.adminPassword",
        "backendStore.postgres.password", "backendStore_uri", "env.0.value",
        "extraEnvVars.AWS_SECRET_ACCESS_KEY", "sidecars.0.env.apiToken", "tokenRef.token",
    ]  # fmt: skip


def test_the_mlflow_server_passes_both_helm_rules() -> None:
    def build() -> None:
        database = MlflowDatabase(host="db.internal", name="mlflow", user="mlflow",
                                  password=pulumi.Output.secret("Pw0rd"))  # fmt: skip
        MlflowServer("fraud-registry", MlflowServerArgs(
            labels={}, identity=adapters.aws_identity(), database=database,
            artifacts_destination="s3://b/mlflow", admin_password="Adm1n"))  # fmt: skip

    graph = run(build)
    nodes = tuple(Node(urn=r.urn, type=r.type, name=r.name, inputs=r.inputs, custom=r.custom)
                  for r in graph.resources)  # fmt: skip
    stack = Stack(nodes)

    assert [n.name for n in stack.of_type(helm_chart_pinned.RELEASE)] == ["fraud-registry-release"]
    assert helm_chart_pinned.RULE.run(stack) == []
    assert helm_values_secrets.RULE.run(stack) == []
