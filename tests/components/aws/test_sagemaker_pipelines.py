"""AwsSagemakerPipelinesTraining: what it sends for the execution role and the pipeline."""

from __future__ import annotations

import json
from typing import Any

from components.aws.sagemaker_pipelines.component import (
    AwsSagemakerPipelinesTraining,
    AwsSagemakerPipelinesTrainingArgs,
)
from opsblocks.preview import Graph
from tests.recording import (
    ACCOUNT_ID,
    TEST_INVOKES,
    args_of,
    as_list,
    fake_outputs,
    run,
    statements,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/platform"
TAGS = {"team": "risk", "opsblocks:capability": "training"}
SUBNETS = ["subnet-private-1", "subnet-private-2"]
GROUP = "sg-workloads"
DATA_BUCKETS = ["arn:aws:s3:::fraud-raw", "arn:aws:s3:::fraud-curated"]
ARTIFACTS = "arn:aws:s3:::fraud-artifacts"
MODEL_GROUP_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT_ID}:model-package-group/fraud-prod-models"
REPOSITORY = f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/fraud-model"
XGBOOST = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
COMPONENT = "opsblocks:index:AwsSagemakerPipelinesTraining"
# Actions AWS authorizes only on "*"; anything else on "*" is a least-privilege bug.
VPC_ACTIONS = {
    "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
    "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
}  # fmt: skip
STAR_ONLY = {"ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", *VPC_ACTIONS}


def training(invokes: dict[str, dict[str, Any]] | None = None, **overrides: Any) -> Graph:
    args: dict[str, Any] = {
        "tags": TAGS, "subnet_ids": SUBNETS, "security_group_id": GROUP, "region": "us-east-1",
        "kms_key_arn": KEY,
        "pipeline_name": "fraud-prod-training",
        "data_bucket_arns": DATA_BUCKETS, "data_uri": "s3://fraud-curated/",
        "artifact_bucket_arn": ARTIFACTS, "artifact_uri": "s3://fraud-artifacts/",
        "model_package_group_name": "fraud-prod-models", "model_package_group_arn": MODEL_GROUP_ARN,
        "repository_arn": REPOSITORY, "quality_metric": "auc", "quality_threshold": 0.8,
    }  # fmt: skip
    args.update(overrides)
    return run(
        lambda: AwsSagemakerPipelinesTraining(
            "training", args_of(AwsSagemakerPipelinesTrainingArgs, **args)
        ),
        invokes,
    )


def definition(graph: Graph) -> dict[str, Any]:
    return json.loads(graph.named("training-pipeline").inputs["pipelineDefinition"])


def steps(graph: Graph) -> dict[str, dict[str, Any]]:
    return {step["Name"]: step for step in definition(graph)["Steps"]}


def role_arn(graph: Graph) -> str:
    role = graph.named("training-role", "Role")
    return str(fake_outputs(role.type, role.name)["arn"])


def role_statements(graph: Graph) -> list[dict[str, Any]]:
    return statements(json.loads(graph.named("training-role", "RolePolicy").inputs["policy"]))


def actions_on(graph: Graph, action: str) -> list[str]:
    """Every resource the role may apply `action` to."""
    found = [
        as_list(s["Resource"]) for s in role_statements(graph) if action in as_list(s["Action"])
    ]
    return [resource for resources in found for resource in resources]


def test_pipeline_definition_runs_every_job_in_the_private_subnets() -> None:
    jobs = steps(training())
    vpc = {"Subnets": SUBNETS, "SecurityGroupIds": [GROUP]}

    assert jobs["Train"]["Arguments"]["VpcConfig"] == vpc
    for name in ("Process", "Evaluate"):
        assert jobs[name]["Arguments"]["NetworkConfig"]["VpcConfig"] == vpc, name


def test_training_job_is_network_isolated_with_encrypted_inter_container_traffic() -> None:
    train = steps(training())["Train"]["Arguments"]

    assert train["EnableNetworkIsolation"] is True
    assert train["EnableInterContainerTrafficEncryption"] is True


def test_job_outputs_and_volumes_are_encrypted_with_the_platform_key() -> None:
    jobs = steps(training())

    assert jobs["Train"]["Arguments"]["OutputDataConfig"]["KmsKeyId"] == KEY
    assert jobs["Train"]["Arguments"]["ResourceConfig"]["VolumeKmsKeyId"] == KEY
    assert jobs["Evaluate"]["Arguments"]["ProcessingOutputConfig"]["KmsKeyId"] == KEY


def test_condition_step_carries_the_blueprint_threshold() -> None:
    graph = training(quality_metric="rmse", quality_threshold=0.3, quality_direction="minimize")

    [condition] = steps(graph)["CheckQuality"]["Arguments"]["Conditions"]
    assert condition["Type"] == "LessThanOrEqualTo"
    assert condition["RightValue"] == 0.3
    assert condition["LeftValue"]["Std:JsonGet"]["Path"] == "metrics.rmse.value"


def test_without_a_validation_tool_models_register_without_a_gate() -> None:
    graph = training(quality_metric=None, quality_threshold=None)

    assert list(steps(graph)) == ["Process", "Train", "Evaluate", "Register"]


def test_approval_status_and_instances_come_from_the_blueprint() -> None:
    graph = training(model_approval_status="Approved", instance_type="ml.c5.2xlarge",
                     instance_count=3, hyperparameters={"max_depth": 6})  # fmt: skip

    defaults = {p["Name"]: p["DefaultValue"] for p in definition(graph)["Parameters"]}
    [register] = steps(graph)["CheckQuality"]["Arguments"]["IfSteps"]
    assert register["Arguments"]["ModelApprovalStatus"] == "Approved"
    assert defaults["TrainingInstanceType"] == "ml.c5.2xlarge"
    assert defaults["TrainingInstanceCount"] == 3
    assert steps(graph)["Train"]["Arguments"]["HyperParameters"] == {"max_depth": "6"}


def test_pipeline_and_every_job_run_as_the_execution_role() -> None:
    graph = training()
    pipeline = graph.named("training-pipeline").inputs

    assert pipeline["roleArn"] == role_arn(graph)
    assert pipeline["pipelineName"] == "fraud-prod-training"
    for step in ("Process", "Train", "Evaluate"):
        assert steps(graph)[step]["Arguments"]["RoleArn"] == role_arn(graph), step


def test_pipeline_is_created_after_the_role_policy() -> None:
    graph = training()

    policy = graph.named("training-role", "RolePolicy")
    assert policy.urn in graph.named("training-pipeline").dependencies


def test_role_is_assumable_by_sagemaker_only() -> None:
    trust = json.loads(training().named("training-role", "Role").inputs["assumeRolePolicy"])

    [statement] = statements(trust)
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}


def test_role_has_no_wildcard_action_and_star_resources_only_where_aws_requires_them() -> None:
    for statement in role_statements(training()):
        actions = as_list(statement["Action"])
        assert not any(a == "*" or a.endswith(":*") for a in actions), statement
        if "*" in as_list(statement["Resource"]):
            assert set(actions) <= STAR_ONLY, statement


def test_role_passes_only_itself_and_only_to_sagemaker() -> None:
    graph = training()

    [statement] = [s for s in role_statements(graph) if "iam:PassRole" in as_list(s["Action"])]
    assert as_list(statement["Action"]) == ["iam:PassRole"]
    assert as_list(statement["Resource"]) == [role_arn(graph)]
    assert statement["Condition"] == {
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}
    }


def test_role_reads_the_data_buckets_and_writes_only_the_artifact_bucket() -> None:
    graph = training()

    assert set(actions_on(graph, "s3:GetObject")) >= {f"{b}/*" for b in DATA_BUCKETS}
    assert set(actions_on(graph, "s3:PutObject")) == {ARTIFACTS, f"{ARTIFACTS}/*"}
    assert actions_on(graph, "kms:GenerateDataKey") == [KEY]


def test_sagemaker_permissions_are_scoped_to_this_account_region_and_group() -> None:
    graph = training()
    prefix = f"arn:aws:sagemaker:us-east-1:{ACCOUNT_ID}:"

    assert set(actions_on(graph, "sagemaker:CreateTrainingJob")) == {
        f"{prefix}training-job/pipelines-*", f"{prefix}processing-job/pipelines-*"}  # fmt: skip
    assert set(actions_on(graph, "sagemaker:CreateModelPackage")) == {
        MODEL_GROUP_ARN, f"{prefix}model-package/fraud-prod-models/*"}  # fmt: skip


def test_code_the_jobs_run_cannot_register_a_model_as_approved() -> None:
    for status in ("PendingManualApproval", "Approved"):
        [statement] = [
            s for s in role_statements(training(model_approval_status=status))
            if "sagemaker:CreateModelPackage" in as_list(s["Action"])
        ]  # fmt: skip
        assert statement["Condition"] == {
            "StringEquals": {"sagemaker:ModelApprovalStatus": status}}  # fmt: skip


def test_vpc_permissions_are_unscoped_and_unconditioned_as_processing_jobs_require() -> None:
    # SageMaker: for a processing job in a VPC, do not scope these with conditions or resource
    # filters, "otherwise, the validation checks that occur during the creation of the
    # processing job fail".
    [statement] = [
        s for s in role_statements(training())
        if "ec2:CreateNetworkInterface" in as_list(s["Action"])
    ]  # fmt: skip
    assert set(as_list(statement["Action"])) == VPC_ACTIONS
    assert as_list(statement["Resource"]) == ["*"]
    assert "Condition" not in statement


def test_default_image_is_the_regional_xgboost_image_and_pullable() -> None:
    graph = training()

    defaults = {p["Name"]: p["DefaultValue"] for p in definition(graph)["Parameters"]}
    assert defaults["TrainingImage"] == XGBOOST
    assert set(actions_on(graph, "ecr:BatchGetImage")) == {
        REPOSITORY, "arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-xgboost"}  # fmt: skip


def test_a_given_image_is_used_without_looking_up_the_default_one() -> None:
    image = f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/fraud-model:v7"
    # No answer for the prebuilt-image lookup: the recorder fails if the component asks.
    invokes = {k: v for k, v in TEST_INVOKES.items() if "getPrebuiltEcrImage" not in k}
    graph = training(invokes, image_uri=image)

    defaults = {p["Name"]: p["DefaultValue"] for p in definition(graph)["Parameters"]}
    assert defaults["TrainingImage"] == image
    assert set(actions_on(graph, "ecr:BatchGetImage")) == {REPOSITORY}
