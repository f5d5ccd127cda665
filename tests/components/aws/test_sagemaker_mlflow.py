"""AwsSagemakerMlflowRegistry: what it sends for the tracking server, its bucket, its role and
the client policy; the options' refusals; the pairings `validate` refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from components.aws.sagemaker_mlflow.component import (
    MODEL_REGISTRATION_ACTIONS,
    AwsSagemakerMlflowRegistry,
    AwsSagemakerMlflowRegistryArgs,
)
from components.aws.sagemaker_mlflow.options import SageMakerMlflowOptions
from opsblocks import blueprint
from opsblocks.errors import BlueprintError
from opsblocks.preview import Graph
from tests.recording import ACCOUNT_ID, args_of, as_list, policies, resolved, run, statements

KEY = "arn:aws:kms:us-east-1:123456789012:key/registry"
TAGS = {"team": "risk", "opsblocks:capability": "registry"}
# What the fake outputs of tests/recording.py answer for the resources the component creates.
BUCKET_ARN = f"arn:aws:s3:us-east-1:{ACCOUNT_ID}:registry-artifacts"
ROLE_ARN = f"arn:aws:iam:us-east-1:{ACCOUNT_ID}:registry-server-role"
SERVER_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT_ID}:registry-server"
SERVER = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"


def arguments(**overrides: Any) -> AwsSagemakerMlflowRegistryArgs:
    args: dict[str, Any] = {"tags": TAGS, "region": "us-east-1", "kms_key_arn": KEY,
                            "access_log_bucket": "access-logs",
                            "tracking_server_name": "fraud-prod-mlflow"}  # fmt: skip
    return args_of(AwsSagemakerMlflowRegistryArgs, **args | overrides)


def registry(**overrides: Any) -> Graph:
    return run(lambda: AwsSagemakerMlflowRegistry("registry", arguments(**overrides)))


def server(graph: Graph) -> dict[str, Any]:
    return graph.named("registry-server", "MlflowTrackingServer").inputs


def policy(graph: Graph, name: str, kind: str = "") -> list[dict[str, Any]]:
    sent = graph.named(name, kind).inputs["policy"]
    found: list[dict[str, Any]] = statements(json.loads(sent))
    return found


def granting(found: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [s for s in found if action in as_list(s["Action"])]


def test_server_is_named_sized_pinned_and_maintained_as_the_options_say() -> None:
    sent = server(registry())

    assert sent["trackingServerName"] == "fraud-prod-mlflow"
    assert (sent["trackingServerSize"], sent["mlflowVersion"]) == ("Small", "3.0")
    assert sent["weeklyMaintenanceWindowStart"] == "Sun:03:00"
    assert sent["automaticModelRegistration"] is False
    assert sent["tags"] == TAGS

    resized = server(
        registry(size="Large", mlflow_version="2.16.2", maintenance_window="Tue:04:30")
    )
    assert (resized["trackingServerSize"], resized["mlflowVersion"]) == ("Large", "2.16.2")
    assert resized["weeklyMaintenanceWindowStart"] == "Tue:04:30"


def test_artifacts_go_to_a_prefix_of_its_own_kms_encrypted_logged_bucket() -> None:
    graph = registry()

    assert server(graph)["artifactStoreUri"] == "s3://registry-artifacts/mlflow"
    encryption = graph.named("registry-artifacts-encryption").inputs["rules"][0]
    assert encryption["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == KEY
    assert graph.named("registry-artifacts-logging").inputs["targetBucket"] == "access-logs"
    versioning = graph.named("registry-artifacts-versioning").inputs
    assert versioning["versioningConfiguration"]["status"] == "Enabled"


def test_server_works_as_its_own_sagemaker_role_once_the_role_holds_its_policy() -> None:
    graph = registry()

    assert server(graph)["roleArn"] == ROLE_ARN
    trust = json.loads(graph.named("registry-server-role", "Role").inputs["assumeRolePolicy"])
    assert statements(trust)[0]["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    role_policy = graph.named("registry-server-role", "RolePolicy")
    assert role_policy.urn in graph.named("registry-server", "MlflowTrackingServer").dependencies


def test_server_role_reaches_only_the_artifact_prefix_and_the_key_through_s3() -> None:
    found = policy(registry(), "registry-server-role", "RolePolicy")

    [objects] = granting(found, "s3:PutObject")
    assert objects["Resource"] == [f"{BUCKET_ARN}/mlflow/*"]
    [listing] = granting(found, "s3:ListBucket")
    assert listing["Resource"] == [BUCKET_ARN]
    assert not granting(found, "s3:DeleteObject")  # artifacts outlive deleted runs
    [key] = granting(found, "kms:GenerateDataKey")
    assert key["Resource"] == [KEY]
    assert key["Condition"] == {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    assert not [s for s in found for a in as_list(s["Action"]) if a.startswith("sagemaker:")]


def test_automatic_model_registration_adds_model_package_rights_in_this_account_only() -> None:
    graph = registry(automatic_model_registration=True)

    assert server(graph)["automaticModelRegistration"] is True
    found = policy(graph, "registry-server-role", "RolePolicy")
    [registering] = granting(found, "sagemaker:AddTags")
    assert tuple(registering["Action"]) == MODEL_REGISTRATION_ACTIONS
    prefix = f"arn:aws:sagemaker:us-east-1:{ACCOUNT_ID}:"
    assert registering["Resource"] == [f"{prefix}model-package-group/*",
                                       f"{prefix}model-package/*"]  # fmt: skip
    # The server never approves what it registers: a person does, and releases deploy that.
    [never_approve] = [s for s in found if s["Effect"] == "Deny"]
    assert never_approve["Action"] == ["sagemaker:CreateModelPackage",
                                       "sagemaker:UpdateModelPackage"]  # fmt: skip
    assert never_approve["Condition"] == {
        "StringEquals": {"sagemaker:ModelApprovalStatus": "Approved"}
    }


def test_client_policy_uses_this_server_and_writes_its_artifacts() -> None:
    graph = registry()
    found = policy(graph, "registry-client")

    [mlflow] = granting(found, "sagemaker-mlflow:*")
    assert mlflow["Resource"] == [SERVER_ARN]
    [objects] = granting(found, "s3:PutObject")
    assert objects["Resource"] == [f"{BUCKET_ARN}/mlflow/*"]
    assert granting(found, "kms:Decrypt")[0]["Resource"] == [KEY]
    assert graph.named("registry-client").inputs["tags"] == TAGS


def test_no_policy_allows_wildcard_actions_on_every_resource() -> None:
    documents = [d for _, d in policies(registry(automatic_model_registration=True))]

    assert len(documents) == 4  # the bucket's, the trust, the server's role, the clients'
    for statement in (s for d in documents for s in statements(d)):
        if statement["Effect"] == "Deny":
            continue  # the bucket's TLS-only statement
        actions = as_list(statement.get("Action", []))
        assert "*" not in as_list(statement.get("Resource", [])), statement
        assert "*" not in actions


@pytest.mark.parametrize("protect", [True, False])
def test_server_and_bucket_are_protected_and_retained_exactly_when_asked(protect: bool) -> None:
    graph = registry(protect=protect)

    for resource in (graph.named("registry-server", "MlflowTrackingServer"),
                     graph.named("registry-artifacts", "Bucket")):  # fmt: skip
        assert (resource.protect, resource.retain_on_delete) == (protect, protect)


def test_tracking_uri_is_the_server_arn_and_artifact_uri_its_prefix() -> None:
    _, found = resolved(
        lambda: AwsSagemakerMlflowRegistry("registry", arguments()),
        ("tracking_server_arn", "artifact_uri", "role_arn", "client_policy_arn"),
    )

    assert found["tracking_server_arn"] == SERVER_ARN
    assert found["artifact_uri"] == "s3://registry-artifacts/mlflow"
    assert found["role_arn"] == ROLE_ARN
    assert found["client_policy_arn"] == f"arn:aws:iam:us-east-1:{ACCOUNT_ID}:registry-client"


@pytest.mark.parametrize(
    ("option", "value"),
    [("size", "XLarge"), ("mlflow_version", "latest"), ("maintenance_window", "TUE:25:00")],
)
def test_options_refuse_what_the_api_refuses(option: str, value: str) -> None:
    with pytest.raises(ValidationError, match=option):
        SageMakerMlflowOptions.model_validate({option: value})


def test_validate_refuses_sagemaker_pipelines_with_its_needs_message(tmp_path: Path) -> None:
    path = tmp_path / "pairing.yaml"
    path.write_text(
        "name: fraud\ncloud: aws\nregion: us-east-1\ncapabilities:\n"
        "  data: {tool: s3}\n  registry: {tool: sagemaker-mlflow}\n"
        "  training: {tool: sagemaker-pipelines}\n"
    )

    with pytest.raises(BlueprintError) as error:
        blueprint.load(path)
    assert str(error.value) == (
        f"{path}:7: capabilities.training.tool: sagemaker-pipelines needs AwsModelRegistry (A "
        "SageMaker model package group, the ECR repository and the artifact bucket); the "
        "registry tool sagemaker-mlflow does not give it (choose: sagemaker-model-registry)"
    )


def test_a_blueprint_with_it_exports_the_tracking_uri_and_the_client_policy(
    tmp_path: Path,
) -> None:
    from opsblocks import program
    from opsblocks.preview import record
    from tests.recording import TEST_INVOKES, fake_outputs

    path = tmp_path / "mlflow.yaml"
    path.write_text("name: fraud\ncloud: aws\nregion: us-east-1\ncapabilities:\n"
                    "  registry: {tool: sagemaker-mlflow}\n")  # fmt: skip
    bp = blueprint.load(path)
    graph = record(lambda: program.build(bp), invokes=TEST_INVOKES, outputs=fake_outputs)

    assert graph.outputs["mlflow_tracking_uri"] == (
        f"arn:aws:sagemaker:us-east-1:{ACCOUNT_ID}:fraud-registry-server"
    )
    assert graph.outputs["mlflow_artifact_uri"] == "s3://fraud-registry-artifacts/mlflow"
    assert graph.outputs["mlflow_client_policy_arn"].endswith(":fraud-registry-client")
    assert [r.inputs["trackingServerName"] for r in graph.of_type(SERVER)] == ["fraud-dev-mlflow"]


def test_opsblocks_new_keeps_the_model_registry_as_the_aws_registry_default() -> None:
    from opsblocks import catalog
    from opsblocks.model import Capability, Cloud
    from opsblocks.new.questions import tool_question

    data = catalog.find(Cloud.aws, Capability.data, "s3")
    question = tool_question(Cloud.aws, Capability.registry, [data])

    # Offered, but not the default: it gives no model package group, which training needs.
    assert "sagemaker-mlflow" in [name for name, _ in question.choices]
    assert question.default == "sagemaker-model-registry"
