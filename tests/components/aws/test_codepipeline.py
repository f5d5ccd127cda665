"""AwsCodepipelineCicd: source -> test -> train -> approve -> deploy, least-privilege roles."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest
from ruamel.yaml import YAML

from components.aws.codepipeline import AwsCodepipelineCicd, AwsCodepipelineCicdArgs
from components.aws.codepipeline_buildspecs import BUILDSPECS
from opsblocks.preview import Graph
from tests.recording import (
    ACCOUNT_ID,
    as_list,
    fake_outputs,
    policies,
    run,
    statements,
    strays,
    taggable,
    untagged,
)

MODELS = "arn:aws:s3:::fraud-models"
KEY = "arn:aws:kms:us-east-1:123456789012:key/cicd"
TAGS = {"team": "risk", "opsblocks:capability": "cicd"}
SAGEMAKER = f"arn:aws:sagemaker:us-east-1:{ACCOUNT_ID}:"
TRAINING = f"{SAGEMAKER}pipeline/fraud-prod-training"
GROUP = f"{SAGEMAKER}model-package-group/fraud-prod-models"
REPOSITORY = f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/fraud"
SERVING_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/fraud-serving"
CONNECTION_ARN = fake_outputs("aws:codeconnections/connection:Connection", "cicd-connection")["arn"]
DEPLOY = {"endpoint_name": "fraud-prod", "serving_role_arn": SERVING_ROLE,
          "serving_parameter_name": "/opsblocks/fraud-prod/serving"}  # fmt: skip
COMPONENT = "opsblocks:index:AwsCodepipelineCicd"
PROJECT = "aws:codebuild/project:Project"
# Actions AWS authorizes only on Resource "*"; nothing else may be granted on "*".
UNSCOPABLE = {"ecr:GetAuthorizationToken", "sagemaker:ListModelPackages"}


def cicd(**overrides: Any) -> Graph:
    args: dict[str, Any] = {
        "tags": TAGS, "kms_key_arn": KEY, "access_log_bucket": "access-logs",
        "region": "us-east-1", "connection_name": "fraud-prod",
        "training_pipeline_name": "fraud-prod-training", "training_pipeline_arn": TRAINING,
        "repository_url": "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud",
        "repository_arn": REPOSITORY, "model_package_group_name": "fraud-prod-models",
        "model_package_group_arn": GROUP, "repository": "acme/fraud-model",
        "model_artifact_uri": "s3://fraud-models/", "model_artifact_bucket_arn": MODELS,
    }  # fmt: skip
    return run(lambda: AwsCodepipelineCicd("cicd", AwsCodepipelineCicdArgs(**args | overrides)))


def stages(graph: Graph) -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = graph.named("cicd-pipeline").inputs["stages"]
    return stages


def build_role_grants(graph: Graph) -> set[tuple[str, str]]:
    policy = json.loads(graph.named("cicd-build-role", "RolePolicy").inputs["policy"])
    return {(a, r) for s in statements(policy) for a in s["Action"] for r in s["Resource"]}


def test_pipeline_is_v2_with_a_manual_approval_right_before_deploy() -> None:
    graph = cicd(**DEPLOY)
    found = stages(graph)

    assert graph.named("cicd-pipeline").inputs["pipelineType"] == "V2"
    assert [s["name"] for s in found] == ["Source", "Test", "Train", "Approve", "Deploy"]
    [approval] = found[3]["actions"]
    assert (approval["category"], approval["owner"], approval["provider"]) == (
        "Approval", "AWS", "Manual"
    )  # fmt: skip


def test_without_an_endpoint_there_is_no_approval_deploy_stage_or_deploy_rights() -> None:
    graph = cicd()

    assert [s["name"] for s in stages(graph)] == ["Source", "Test", "Train"]
    assert sorted(r.name for r in graph.of_type(PROJECT)) == ["cicd-test", "cicd-train"]
    assert not {a for a, _ in build_role_grants(graph)} & {
        "iam:PassRole", "sagemaker:CreateEndpoint", "ssm:GetParameter"
    }  # fmt: skip


def test_an_endpoint_without_its_role_and_settings_is_refused() -> None:
    with pytest.raises(ValueError, match="serving_role_arn"):
        AwsCodepipelineCicd("cicd", AwsCodepipelineCicdArgs(
            tags=TAGS, kms_key_arn=KEY, access_log_bucket="logs", region="us-east-1",
            connection_name="fraud-prod", training_pipeline_name="t",
            training_pipeline_arn=TRAINING, repository_url="r", repository_arn=REPOSITORY,
            model_package_group_name="g", model_package_group_arn=GROUP,
            model_artifact_uri="s3://fraud-models/", model_artifact_bucket_arn=MODELS,
            repository="acme/fraud-model", endpoint_name="fraud-prod",
        ))  # fmt: skip


def test_source_is_a_codeconnections_connection_to_the_repository_branch() -> None:
    graph = cicd(branch="release", provider="GitLab")
    connection = graph.named("cicd-connection")
    [source] = stages(graph)[0]["actions"]

    assert connection.type == "aws:codeconnections/connection:Connection"
    assert (connection.inputs["name"], connection.inputs["providerType"]) == (
        "fraud-prod",
        "GitLab",
    )
    assert source["provider"] == "CodeStarSourceConnection"
    assert source["configuration"] == {"ConnectionArn": CONNECTION_ARN,
                                       "FullRepositoryId": "acme/fraud-model",
                                       "BranchName": "release"}  # fmt: skip


def test_artifact_store_is_the_secure_bucket_encrypted_with_the_key() -> None:
    graph = cicd()
    [store] = graph.named("cicd-pipeline").inputs["artifactStores"]

    assert store["type"] == "S3"
    assert store["encryptionKey"] == {"type": "KMS", "id": KEY}
    bucket = graph.named("cicd-artifacts", "Bucket")
    assert bucket.urn in graph.named("cicd-pipeline").dependencies


def test_artifacts_and_build_logs_are_protected_and_retained_only_when_protect() -> None:
    kept = {(r.name, r.protect, r.retain_on_delete) for r in cicd(protect=True).resources
            if r.protect or r.retain_on_delete}  # fmt: skip

    assert kept == {("cicd-artifacts", True, True), ("cicd-builds", True, True)}
    assert not any(r.protect or r.retain_on_delete for r in cicd().resources)


def test_build_projects_are_encrypted_and_log_to_an_encrypted_group() -> None:
    graph = cicd(**DEPLOY)
    logs = graph.named("cicd-builds", "LogGroup")

    assert logs.inputs["kmsKeyId"] == KEY
    for project in graph.of_type(PROJECT):
        assert project.inputs["encryptionKey"] == KEY, project.name
        assert project.inputs["artifacts"] == {"type": "CODEPIPELINE"}
        cloudwatch = project.inputs["logsConfig"]["cloudwatchLogs"]
        assert cloudwatch["status"] == "ENABLED"
        assert logs.urn in project.dependencies


def test_only_the_train_project_that_builds_the_image_is_privileged() -> None:
    privileged = {
        p.name: p.inputs["environment"]["privilegedMode"] for p in cicd(**DEPLOY).of_type(PROJECT)
    }

    assert privileged == {"cicd-test": False, "cicd-train": True, "cicd-deploy": False}


def test_projects_use_the_chosen_compute_and_image_and_name_their_targets() -> None:
    graph = cicd(build_compute="BUILD_GENERAL1_LARGE", build_image="aws/codebuild/standard:8.0",
                 **DEPLOY)  # fmt: skip
    environment = graph.named("cicd-deploy").inputs["environment"]
    variables = {v["name"]: v["value"] for v in environment["environmentVariables"]}

    assert (environment["computeType"], environment["image"], environment["type"]) == (
        "BUILD_GENERAL1_LARGE", "aws/codebuild/standard:8.0", "LINUX_CONTAINER"
    )  # fmt: skip
    assert variables["IMAGE_REPOSITORY_URL"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud"
    assert variables["TRAINING_PIPELINE_NAME"] == "fraud-prod-training"
    assert variables["MODEL_PACKAGE_GROUP"] == "fraud-prod-models"
    assert variables["ENDPOINT_NAME"] == "fraud-prod"
    assert variables["SERVING_PARAMETER_NAME"] == "/opsblocks/fraud-prod/serving"
    assert json.loads(variables["RESOURCE_TAGS"]) == TAGS


def test_each_project_runs_its_own_stage_buildspec() -> None:
    graph = cicd(**DEPLOY)

    for stage in ("test", "train", "deploy"):
        source = graph.named(f"cicd-{stage}").inputs["source"]
        assert source == {"type": "CODEPIPELINE", "buildspec": BUILDSPECS[stage]}


@pytest.mark.parametrize("stage", sorted(BUILDSPECS))
def test_buildspec_is_yaml_whose_commands_are_valid_bash(stage: str) -> None:
    spec = YAML(typ="safe").load(BUILDSPECS[stage])

    assert (spec["version"], spec["env"]["shell"]) == (0.2, "bash")
    for phase in spec["phases"].values():
        for command in phase["commands"]:
            checked = subprocess.run(["bash", "-n", "-c", command], capture_output=True, text=True)
            assert checked.returncode == 0, checked.stderr


def test_no_policy_allows_wildcard_actions_or_star_resources_aws_could_scope() -> None:
    documents = list(policies(cicd(**DEPLOY)))

    assert len([r for r, _ in documents if r.type == "aws:iam/rolePolicy:RolePolicy"]) == 2
    for resource, document in documents:
        for statement in [s for s in statements(document) if s["Effect"] == "Allow"]:
            actions = as_list(statement["Action"])
            assert not any(action.endswith("*") for action in actions), resource.name
            if "*" in as_list(statement.get("Resource")):
                assert set(actions) <= UNSCOPABLE, statement


def test_pass_role_only_on_the_serving_role_and_only_to_sagemaker() -> None:
    policy = json.loads(cicd(**DEPLOY).named("cicd-build-role", "RolePolicy").inputs["policy"])
    [pass_role] = [s for s in statements(policy) if "iam:PassRole" in as_list(s["Action"])]

    assert as_list(pass_role["Action"]) == ["iam:PassRole"]
    assert as_list(pass_role["Resource"]) == [SERVING_ROLE]
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}
    }


def test_build_role_touches_only_this_blueprints_pipeline_image_models_and_endpoint() -> None:
    granted = build_role_grants(cicd(**DEPLOY))

    assert {r for a, r in granted if a == "sagemaker:StartPipelineExecution"} == {
        TRAINING, f"{TRAINING}/execution/*"
    }  # fmt: skip
    assert {r for a, r in granted if a == "ecr:PutImage"} == {REPOSITORY}
    assert {r for a, r in granted if a == "sagemaker:DescribeModelPackage"} == {
        f"{SAGEMAKER}model-package/fraud-prod-models/*"
    }
    assert {r for a, r in granted if a == "sagemaker:CreateModel"} == {
        f"{SAGEMAKER}endpoint/fraud-prod", f"{SAGEMAKER}endpoint-config/fraud-prod-*",
        f"{SAGEMAKER}model/fraud-prod-*",
    }  # fmt: skip
    assert {r for a, r in granted if a == "s3:PutObject" and "fraud-models" in r} == {
        f"{MODELS}/code/*"
    }
    assert {r for a, r in granted if a == "ssm:GetParameter"} == {
        f"arn:aws:ssm:us-east-1:{ACCOUNT_ID}:parameter/opsblocks/fraud-prod/serving"
    }


def test_pipeline_role_uses_the_connection_and_starts_only_its_projects() -> None:
    graph = cicd(**DEPLOY)
    policy = json.loads(graph.named("cicd-pipeline-role", "RolePolicy").inputs["policy"])
    granted = {(a, r) for s in statements(policy) for a in s["Action"] for r in s["Resource"]}
    projects = {fake_outputs(PROJECT, f"cicd-{stage}")["arn"] for stage in ("test", "train",
                                                                            "deploy")}  # fmt: skip

    assert {r for a, r in granted if a == "codeconnections:UseConnection"} == {CONNECTION_ARN}
    assert {r for a, r in granted if a == "codebuild:StartBuild"} == projects


def test_every_taggable_resource_carries_the_given_tags() -> None:
    graph = cicd(**DEPLOY)

    assert {r.type for r in taggable(graph)} >= {
        PROJECT, "aws:codepipeline/pipeline:Pipeline", "aws:iam/role:Role",
        "aws:codeconnections/connection:Connection", "aws:cloudwatch/logGroup:LogGroup",
    }  # fmt: skip
    assert not untagged(graph, TAGS)


def test_every_child_descends_from_the_component() -> None:
    assert not strays(cicd(**DEPLOY), COMPONENT)


def test_train_stage_pins_code_and_image_to_the_commit_through_declared_parameters() -> None:
    from components.aws.pipeline_definition import build_definition

    definition = build_definition(
        role_arn="r", training_image_uri="i", processing_image_uri="i", instance_type="t",
        instance_count=1, processing_instance_type="t", volume_size_gb=1, max_runtime_hours=1,
        hyperparameters={}, data_uri="s3://d/", artifact_uri="s3://a/", kms_key_id="k",
        subnet_ids=[], security_group_id="sg", model_package_group_name="g",
    )  # fmt: skip
    declared = {parameter["Name"] for parameter in definition["Parameters"]}
    passed = set(re.findall(r'"Name=(\w+),Value=', BUILDSPECS["train"]))
    assert passed == {"CodeUri", "TrainingImage"}
    assert passed <= declared
    assert '--pipeline-parameters "${PARAMETERS[@]}"' in BUILDSPECS["train"]
    assert "/code/$IMAGE_TAG/" in BUILDSPECS["train"]
