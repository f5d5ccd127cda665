"""AwsCodepipelineCicd: source -> test -> train, then (approved model) approve -> deploy;
one least-privilege role per stage."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest
from ruamel.yaml import YAML

from components.aws.codepipeline.buildspecs import BUILDSPECS
from components.aws.codepipeline.component import AwsCodepipelineCicd, AwsCodepipelineCicdArgs
from components.aws.codepipeline.policies import DEPLOY_ACTIONS
from opsblocks.preview import Graph
from tests.recording import (
    ACCOUNT_ID,
    args_of,
    as_list,
    fake_outputs,
    policies,
    run,
    statements,
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
MONITORING_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/fraud-monitoring"
MONITORING = {"monitoring_parameter_name": "/opsblocks/fraud-prod/monitoring",
              "monitoring_role_arn": MONITORING_ROLE}  # fmt: skip
RELEASE_ARN = fake_outputs("aws:codepipeline/pipeline:Pipeline", "cicd-release")["arn"]
COMPONENT = "opsblocks:index:AwsCodepipelineCicd"
PROJECT = "aws:codebuild/project:Project"
# Actions AWS authorizes only on Resource "*"; nothing else may be granted on "*".
UNSCOPABLE = {
    "ecr:GetAuthorizationToken",
    "sagemaker:ListModelPackages",
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DescribeScalingPolicies",
    "cloudwatch:DescribeAlarms",
}


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
    return run(
        lambda: AwsCodepipelineCicd("cicd", args_of(AwsCodepipelineCicdArgs, **args | overrides))
    )


def stages(graph: Graph, pipeline: str = "cicd-pipeline") -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = graph.named(pipeline).inputs["stages"]
    return stages


def grants(graph: Graph, role: str) -> set[tuple[str, str]]:
    """(action, resource) pairs the inline policy of `role` allows."""
    policy = json.loads(graph.named(role, "RolePolicy").inputs["policy"])
    return {(a, r) for s in statements(policy) if s["Effect"] == "Allow"
            for a in as_list(s["Action"]) for r in as_list(s["Resource"])}  # fmt: skip


def actions(graph: Graph, role: str) -> set[str]:
    return {action for action, _ in grants(graph, role)}


def test_main_pipeline_is_v2_and_ends_once_the_training_run_is_started() -> None:
    graph = cicd(**DEPLOY)

    assert graph.named("cicd-pipeline").inputs["pipelineType"] == "V2"
    assert [s["name"] for s in stages(graph)] == ["Source", "Test", "Train"]
    # A CodeBuild action may run 8 hours in CodePipeline and waiting is billed: no polling.
    assert "describe-pipeline-execution" not in BUILDSPECS["train"]
    assert "sleep" not in BUILDSPECS["train"]
    assert "start-pipeline-execution" in BUILDSPECS["train"]


def test_an_approved_model_package_starts_the_release_pipeline_where_a_person_approves() -> None:
    graph = cicd(**DEPLOY)
    release = stages(graph, "cicd-release")
    [rule] = graph.of_type("aws:cloudwatch/eventRule:EventRule")
    [target] = graph.of_type("aws:cloudwatch/eventTarget:EventTarget")
    trigger_role = graph.named("cicd-release-trigger-role", "Role")

    assert graph.named("cicd-release").inputs["pipelineType"] == "V2"
    assert [s["name"] for s in release] == ["Source", "Approve", "Deploy"]
    [approval] = release[1]["actions"]
    assert (approval["category"], approval["provider"]) == ("Approval", "Manual")
    assert json.loads(rule.inputs["eventPattern"]) == {
        "source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"],
        "detail": {"ModelPackageGroupName": ["fraud-prod-models"],
                   "ModelApprovalStatus": ["Approved"]}}  # fmt: skip
    assert (target.inputs["arn"], target.inputs["roleArn"]) == (
        RELEASE_ARN,
        fake_outputs("aws:iam/role:Role", "cicd-release-trigger-role")["arn"],
    )
    assert json.loads(trigger_role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "events.amazonaws.com"
    }
    assert grants(graph, "cicd-release-trigger-role") == {
        ("codepipeline:StartPipelineExecution", RELEASE_ARN)
    }


def test_the_release_source_is_pulumis_trigger_object_never_polled() -> None:
    graph = cicd(**DEPLOY)
    [source] = stages(graph, "cicd-release")[0]["actions"]
    trigger = graph.named("cicd-release-trigger", "BucketObjectv2").inputs

    assert (source["provider"], source["category"]) == ("S3", "Source")
    assert source["configuration"] == {
        "S3Bucket": "cicd-artifacts",
        "PollForSourceChanges": "false",
        "S3ObjectKey": "release/trigger.zip",
    }
    assert (trigger["bucket"], trigger["key"]) == ("cicd-artifacts", "release/trigger.zip")
    # The same bytes on every `up`, so the object (and the release) never changes by itself.
    assert (
        trigger["contentBase64"]
        == cicd(**DEPLOY).named("cicd-release-trigger", "BucketObjectv2").inputs["contentBase64"]
    )


def test_the_deploy_stage_runs_no_repository_code() -> None:
    graph = cicd(**DEPLOY)
    [deploy] = stages(graph, "cicd-release")[2]["actions"]
    spec = YAML(typ="safe").load(BUILDSPECS["deploy"])
    commands = "\n".join(c for phase in spec["phases"].values() for c in phase["commands"])

    # Its input is the release trigger, not the repository's source artifact.
    assert deploy["inputArtifacts"] == ["release"]
    assert graph.named("cicd-deploy").inputs["source"]["buildspec"] == BUILDSPECS["deploy"]
    # Python only runs isolated (-I: no module from the working directory).
    assert re.findall(r"python3(?: -\S+)*", commands) and all(
        call.startswith("python3 -I") for call in re.findall(r"python3(?: -\S+)*", commands)
    )
    assert not {"pip", "pytest", "requirements", "docker"} & set(re.findall(r"[a-z]+", commands))


def test_without_an_endpoint_there_is_no_release_pipeline_or_deploy_rights() -> None:
    graph = cicd()

    assert [s["name"] for s in stages(graph)] == ["Source", "Test", "Train"]
    assert sorted(r.name for r in graph.of_type(PROJECT)) == ["cicd-test", "cicd-train"]
    assert len(graph.of_type("aws:codepipeline/pipeline:Pipeline")) == 1
    for _, document in policies(graph):
        allowed = {a for s in statements(document) for a in as_list(s["Action"])}
        assert not allowed & {"iam:PassRole", "sagemaker:CreateEndpoint", "ssm:GetParameter"}


def test_each_stage_builds_as_its_own_role() -> None:
    graph = cicd(**DEPLOY)
    roles = {p.name: p.inputs["serviceRole"] for p in graph.of_type(PROJECT)}

    assert roles == {f"cicd-{stage}": fake_outputs("aws:iam/role:Role", f"cicd-{stage}-role")["arn"]
                     for stage in ("test", "train", "deploy")}  # fmt: skip


def test_code_under_test_holds_no_train_or_deploy_rights() -> None:
    graph = cicd(**DEPLOY, **MONITORING)
    granted = grants(graph, "cicd-test-role")

    # Its input artifact, reading it through the key, and its logs: nothing else.
    assert {a for a, _ in granted} <= {
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetBucketAcl", "s3:GetBucketLocation",
        "logs:CreateLogStream", "logs:PutLogEvents", "kms:Decrypt", "kms:DescribeKey"}  # fmt: skip
    assert {r for a, r in granted if a.startswith("s3:")} == {
        fake_outputs("aws:s3/bucket:Bucket", "cicd-artifacts")["arn"],
        fake_outputs("aws:s3/bucket:Bucket", "cicd-artifacts")["arn"] + "/*",
    }
    assert graph.named("cicd-test").inputs["environment"].get("environmentVariables") in (None, [])


def test_code_under_test_only_decrypts_its_input_through_s3() -> None:
    graph = cicd(**DEPLOY, **MONITORING)
    policy = json.loads(graph.named("cicd-test-role", "RolePolicy").inputs["policy"])
    key_statements = [s for s in policy["Statement"] if any(
        a.startswith("kms:") for a in as_list(s["Action"]))]  # fmt: skip

    # No Encrypt, GenerateDataKey*, ReEncrypt* or CreateGrant: the test stage writes nothing
    # encrypted, and repository code must not encrypt, re-encrypt or hand out the key.
    assert {a: s["Resource"] for s in key_statements for a in as_list(s["Action"])} == {
        "kms:Decrypt": [KEY], "kms:DescribeKey": [KEY]}  # fmt: skip
    [decrypt] = [s for s in key_statements if "kms:Decrypt" in as_list(s["Action"])]
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}  # fmt: skip


def test_no_role_may_hand_the_platform_key_to_another_principal() -> None:
    graph = cicd(**DEPLOY, **MONITORING)
    for role in ("cicd-test-role", "cicd-train-role", "cicd-deploy-role", "cicd-pipeline-role"):
        policy = json.loads(graph.named(role, "RolePolicy").inputs["policy"])
        for statement in policy["Statement"]:
            if "kms:CreateGrant" in as_list(statement["Action"]):
                # Bool, not BoolIfExists: a direct CreateGrant carries no such key and an
                # IfExists condition would let it through. Alone: the other actions never
                # carry the key, so Bool would refuse them.
                assert as_list(statement["Action"]) == ["kms:CreateGrant"], role
                assert statement["Condition"] == {
                    "Bool": {"kms:GrantIsForAWSResource": "true"}}, role  # fmt: skip


def test_train_role_starts_runs_but_cannot_deploy_or_approve() -> None:
    graph = cicd(**DEPLOY, **MONITORING)
    granted = grants(graph, "cicd-train-role")

    assert {r for a, r in granted if a == "sagemaker:StartPipelineExecution"} == {TRAINING}
    assert {r for a, r in granted if a == "ecr:PutImage"} == {REPOSITORY}
    assert {r for a, r in granted if a == "s3:PutObject" and "fraud-models" in r} == {
        f"{MODELS}/code/*"
    }
    assert {r for a, r in granted if a == "s3:DeleteObject"} == {f"{MODELS}/code/latest/*"}
    assert not {a for a, _ in granted} & {
        "iam:PassRole", "ssm:GetParameter", "sagemaker:UpdateModelPackage",
        "sagemaker:CreateModel", "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint",
        "application-autoscaling:RegisterScalableTarget"}  # fmt: skip


def test_no_role_may_approve_a_model_package() -> None:
    graph = cicd(**DEPLOY, **MONITORING)

    for resource, document in policies(graph):
        allowed = {a for s in statements(document) for a in as_list(s["Action"])}
        assert "sagemaker:UpdateModelPackage" not in allowed, resource.name


def test_only_the_deploy_role_touches_the_endpoint_and_only_this_one() -> None:
    graph = cicd(**DEPLOY)
    granted = grants(graph, "cicd-deploy-role")

    assert {r for a, r in granted if a == "sagemaker:DescribeModelPackage"} == {
        f"{SAGEMAKER}model-package/fraud-prod-models/*"
    }
    assert {r for a, r in granted if a == "sagemaker:CreateModel"} == {
        f"{SAGEMAKER}endpoint/fraud-prod", f"{SAGEMAKER}endpoint-config/fraud-prod-*",
        f"{SAGEMAKER}model/fraud-prod-*",
    }  # fmt: skip
    assert {r for a, r in granted if a == "ssm:GetParameter"} == {
        f"arn:aws:ssm:us-east-1:{ACCOUNT_ID}:parameter/opsblocks/fraud-prod/serving"
    }
    assert not {a for a, _ in granted} & {"ecr:PutImage", "sagemaker:StartPipelineExecution",
                                          "s3:PutObject"}  # fmt: skip
    for role in ("cicd-test-role", "cicd-train-role"):
        assert not {a for a in actions(graph, role) if a in DEPLOY_ACTIONS}, role


def test_deploy_role_auto_scales_only_this_endpoints_variant() -> None:
    granted = grants(cicd(**DEPLOY), "cicd-deploy-role")
    statement = next(s for s in statements(json.loads(cicd(**DEPLOY).named(
        "cicd-deploy-role", "RolePolicy").inputs["policy"]))
        if "iam:CreateServiceLinkedRole" in as_list(s["Action"]))  # fmt: skip

    for action in (
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeregisterScalableTarget",
    ):
        assert {r for a, r in granted if a == action} == {
            f"arn:aws:application-autoscaling:us-east-1:{ACCOUNT_ID}:scalable-target/*"
        }
    assert {r for a, r in granted if a == "cloudwatch:PutMetricAlarm"} == {
        f"arn:aws:cloudwatch:us-east-1:{ACCOUNT_ID}:alarm:TargetTracking-endpoint/fraud-prod/*"
    }
    assert {r for a, r in granted if a == "sagemaker:UpdateEndpointWeightsAndCapacities"} == {
        f"{SAGEMAKER}endpoint/fraud-prod", f"{SAGEMAKER}endpoint-config/fraud-prod-*",
        f"{SAGEMAKER}model/fraud-prod-*"}  # fmt: skip
    assert statement["Condition"] == {
        "StringLike": {"iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com"}
    }


def test_with_monitoring_the_deploy_role_creates_only_this_endpoints_schedule() -> None:
    granted = grants(cicd(**DEPLOY, **MONITORING), "cicd-deploy-role")
    without = actions(cicd(**DEPLOY), "cicd-deploy-role")

    assert {r for a, r in granted if a == "sagemaker:CreateMonitoringSchedule"} == {
        f"{SAGEMAKER}monitoring-schedule/fraud-prod-data-quality"
    }
    assert {r for a, r in granted if a == "sagemaker:CreateDataQualityJobDefinition"} == {
        f"{SAGEMAKER}data-quality-job-definition/fraud-prod-data-quality"
    }
    assert {r for a, r in granted if a == "iam:PassRole"} == {SERVING_ROLE, MONITORING_ROLE}
    assert {r for a, r in granted if a == "ssm:GetParameter"} == {
        f"arn:aws:ssm:us-east-1:{ACCOUNT_ID}:parameter/opsblocks/fraud-prod/serving",
        f"arn:aws:ssm:us-east-1:{ACCOUNT_ID}:parameter/opsblocks/fraud-prod/monitoring",
    }
    assert "sagemaker:CreateMonitoringSchedule" not in without


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
                 **DEPLOY, **MONITORING)  # fmt: skip

    def variables(stage: str) -> dict[str, str]:
        found = graph.named(f"cicd-{stage}").inputs["environment"].get("environmentVariables")
        return {v["name"]: v["value"] for v in found or []}

    environment = graph.named("cicd-deploy").inputs["environment"]
    assert (environment["computeType"], environment["image"], environment["type"]) == (
        "BUILD_GENERAL1_LARGE", "aws/codebuild/standard:8.0", "LINUX_CONTAINER"
    )  # fmt: skip
    assert variables("train") == {
        "IMAGE_REPOSITORY_URL": "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud",
        "TRAINING_PIPELINE_NAME": "fraud-prod-training",
        "MODEL_ARTIFACT_URI": "s3://fraud-models/",
    }
    assert variables("deploy") == {
        "MODEL_PACKAGE_GROUP": "fraud-prod-models", "ENDPOINT_NAME": "fraud-prod",
        "SERVING_PARAMETER_NAME": "/opsblocks/fraud-prod/serving",
        "MONITORING_PARAMETER_NAME": "/opsblocks/fraud-prod/monitoring"}  # fmt: skip
    assert variables("test") == {}


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
    documents = list(policies(cicd(**DEPLOY, **MONITORING)))

    # test, train, deploy, pipeline, release pipeline, release trigger
    assert len([r for r, _ in documents if r.type == "aws:iam/rolePolicy:RolePolicy"]) == 6
    for resource, document in documents:
        for statement in [s for s in statements(document) if s["Effect"] == "Allow"]:
            actions = as_list(statement["Action"])
            assert not any(action.endswith("*") for action in actions), resource.name
            if "*" in as_list(statement.get("Resource")):
                assert set(actions) <= UNSCOPABLE, statement


def test_pass_role_only_on_the_serving_role_and_only_to_sagemaker() -> None:
    policy = json.loads(cicd(**DEPLOY).named("cicd-deploy-role", "RolePolicy").inputs["policy"])
    [pass_role] = [s for s in statements(policy) if "iam:PassRole" in as_list(s["Action"])]

    assert as_list(pass_role["Action"]) == ["iam:PassRole"]
    assert as_list(pass_role["Resource"]) == [SERVING_ROLE]
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}
    }


def test_each_pipeline_role_starts_only_its_own_projects() -> None:
    graph = cicd(**DEPLOY)
    main = grants(graph, "cicd-pipeline-role")
    release = grants(graph, "cicd-release-role")

    def arn(stage: str) -> str:
        return fake_outputs(PROJECT, f"cicd-{stage}")["arn"]

    assert {r for a, r in main if a == "codeconnections:UseConnection"} == {CONNECTION_ARN}
    assert {r for a, r in main if a == "codebuild:StartBuild"} == {arn("test"), arn("train")}
    assert {r for a, r in release if a == "codebuild:StartBuild"} == {arn("deploy")}
    assert "codeconnections:UseConnection" not in {a for a, _ in release}


def test_train_stage_pins_code_and_image_to_the_commit_through_declared_parameters() -> None:
    from components.aws.sagemaker_pipelines.definition import build_definition

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
