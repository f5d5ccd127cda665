"""build_definition: the SageMaker Pipeline definition as plain data, without Pulumi."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from components.aws.sagemaker_pipelines.definition import build_definition

KEY = "arn:aws:kms:us-east-1:123456789012:key/platform"
ROLE = "arn:aws:iam::123456789012:role/fraud-training"
SUBNETS = ["subnet-private-1", "subnet-private-2"]
GROUP = "sg-workloads"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def definition(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "role_arn": ROLE, "training_image_uri": IMAGE, "processing_image_uri": IMAGE,
        "instance_type": "ml.m5.xlarge", "instance_count": 2,
        "processing_instance_type": "ml.m5.large", "volume_size_gb": 50, "max_runtime_hours": 4,
        "hyperparameters": {}, "data_uri": "s3://curated/", "artifact_uri": "s3://artifacts/",
        "kms_key_id": KEY, "subnet_ids": SUBNETS, "security_group_id": GROUP,
        "model_package_group_name": "fraud-prod-models", "quality_metric": "auc",
        "quality_threshold": 0.8,
    }  # fmt: skip
    args.update(overrides)
    built = build_definition(**args)
    # What the Pipeline resource receives is JSON: the definition must survive the round trip.
    assert json.loads(json.dumps(built)) == built
    return built


def steps(built: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["Name"]: step for step in built["Steps"]}


def jobs(built: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (s for s in built["Steps"] if s["Type"] in ("Processing", "Training"))


def parameter_defaults(built: dict[str, Any]) -> dict[str, Any]:
    return {p["Name"]: p["DefaultValue"] for p in built["Parameters"]}


def test_steps_run_process_train_evaluate_then_the_quality_gate() -> None:
    built = definition()

    assert built["Version"] == "2020-12-01"
    assert [(s["Name"], s["Type"]) for s in built["Steps"]] == [
        ("Process", "Processing"), ("Train", "Training"), ("Evaluate", "Processing"),
        ("CheckQuality", "Condition"),
    ]  # fmt: skip
    gate = steps(built)["CheckQuality"]["Arguments"]
    assert [(s["Name"], s["Type"]) for s in gate["IfSteps"]] == [("Register", "RegisterModel")]
    assert [(s["Name"], s["Type"]) for s in gate["ElseSteps"]] == [("QualityGateFailed", "Fail")]


@pytest.mark.parametrize(
    ("direction", "operator"),
    [("maximize", "GreaterThanOrEqualTo"), ("minimize", "LessThanOrEqualTo")],
)
def test_condition_compares_the_evaluation_metric_with_the_threshold(
    direction: str, operator: str
) -> None:
    built = definition(quality_metric="rmse", quality_threshold=0.25, quality_direction=direction)

    [condition] = steps(built)["CheckQuality"]["Arguments"]["Conditions"]
    assert condition["Type"] == operator
    assert condition["RightValue"] == 0.25
    assert condition["LeftValue"] == {
        "Std:JsonGet": {
            "PropertyFile": {"Get": "Steps.Evaluate.PropertyFiles.EvaluationReport"},
            "Path": "metrics.rmse.value",
        }
    }


def test_condition_reads_the_report_the_evaluation_step_writes() -> None:
    evaluate = steps(definition())["Evaluate"]

    [report] = evaluate["PropertyFiles"]
    assert report == {"PropertyFileName": "EvaluationReport", "OutputName": "evaluation",
                      "FilePath": "evaluation.json"}  # fmt: skip
    outputs = evaluate["Arguments"]["ProcessingOutputConfig"]["Outputs"]
    assert [o["OutputName"] for o in outputs] == ["evaluation"]


def test_failed_gate_names_the_gate_in_its_error() -> None:
    built = definition(quality_metric="rmse", quality_threshold=0.25, quality_direction="minimize")

    [fail] = steps(built)["CheckQuality"]["Arguments"]["ElseSteps"]
    assert "rmse <= 0.25" in fail["Arguments"]["ErrorMessage"]


def test_without_a_quality_metric_every_model_is_registered_without_condition() -> None:
    built = definition(quality_metric=None, quality_threshold=None)

    assert [s["Name"] for s in built["Steps"]] == ["Process", "Train", "Evaluate", "Register"]
    assert {s["Type"] for s in built["Steps"]} == {"Processing", "Training", "RegisterModel"}
    assert "Std:JsonGet" not in json.dumps(built)


def test_a_metric_without_threshold_or_an_unknown_direction_is_rejected() -> None:
    with pytest.raises(ValueError, match="needs a quality threshold"):
        definition(quality_threshold=None)
    with pytest.raises(ValueError, match="'upwards' is not one of maximize, minimize"):
        definition(quality_direction="upwards")


def test_training_job_is_network_isolated_in_the_private_subnets() -> None:
    train = steps(definition())["Train"]["Arguments"]

    assert train["EnableNetworkIsolation"] is True
    assert train["EnableInterContainerTrafficEncryption"] is True
    assert train["VpcConfig"] == {"Subnets": SUBNETS, "SecurityGroupIds": [GROUP]}


def test_processing_jobs_are_network_isolated_in_the_private_subnets() -> None:
    built = steps(definition())

    for name in ("Process", "Evaluate"):
        network = built[name]["Arguments"]["NetworkConfig"]
        assert network == {
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": {"Subnets": SUBNETS, "SecurityGroupIds": [GROUP]},
        }, name


def test_every_volume_and_output_of_every_job_is_encrypted_with_the_key() -> None:
    built = steps(definition())

    for name in ("Process", "Evaluate"):
        arguments = built[name]["Arguments"]
        assert arguments["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == KEY, name
        assert arguments["ProcessingOutputConfig"]["KmsKeyId"] == KEY, name
    train = built["Train"]["Arguments"]
    assert train["ResourceConfig"]["VolumeKmsKeyId"] == KEY
    assert train["OutputDataConfig"]["KmsKeyId"] == KEY


def test_every_job_runs_as_the_given_role_within_its_time_limit() -> None:
    built = definition(max_runtime_hours=4)

    for job in jobs(built):
        assert job["Arguments"]["RoleArn"] == ROLE, job["Name"]
        assert job["Arguments"]["StoppingCondition"] == {"MaxRuntimeInSeconds": 4 * 3600}


def test_processing_time_limit_is_capped_at_what_sagemaker_accepts() -> None:
    process = steps(definition(max_runtime_hours=672))["Process"]["Arguments"]

    assert process["StoppingCondition"] == {"MaxRuntimeInSeconds": 777_600}


def test_parameters_default_to_the_blueprint_values_for_ci_to_override() -> None:
    built = definition()

    assert parameter_defaults(built) == {
        "InputDataUri": "s3://curated/", "CodeUri": "s3://artifacts/code/latest/",
        "TrainingImage": IMAGE, "ProcessingImage": IMAGE,
        "TrainingInstanceType": "ml.m5.xlarge", "TrainingInstanceCount": 2,
        "ProcessingInstanceType": "ml.m5.large",
    }  # fmt: skip
    types = {p["Name"]: p["Type"] for p in built["Parameters"]}
    assert types["TrainingInstanceCount"] == "Integer"
    train = steps(built)["Train"]["Arguments"]
    assert train["ResourceConfig"]["InstanceCount"] == {"Get": "Parameters.TrainingInstanceCount"}
    assert train["AlgorithmSpecification"]["TrainingImage"] == {"Get": "Parameters.TrainingImage"}


def test_default_code_uri_is_the_folder_ci_publishes_the_latest_scripts_to() -> None:
    from components.aws.codepipeline.buildspecs import TRAIN

    default = parameter_defaults(definition())["CodeUri"]

    # The processing jobs copy the prefix's objects into the code directory: the default
    # must hold preprocess.py itself, not one folder per commit.
    assert default == "s3://artifacts/code/latest/"
    assert 'aws s3 sync --delete pipeline/ "${MODEL_ARTIFACT_URI%/}/code/latest/"' in TRAIN


def test_approval_status_is_fixed_by_the_blueprint_not_a_run_parameter() -> None:
    for status in ("PendingManualApproval", "Approved"):
        built = definition(model_approval_status=status)
        [register] = steps(built)["CheckQuality"]["Arguments"]["IfSteps"]

        # A run parameter could be overridden by whoever starts the run (CI, from the repo).
        assert "ModelApprovalStatus" not in parameter_defaults(built)
        assert register["Arguments"]["ModelApprovalStatus"] == status


def test_register_step_registers_into_the_group() -> None:
    gate = steps(definition())["CheckQuality"]["Arguments"]

    [register] = gate["IfSteps"]
    arguments = register["Arguments"]
    assert arguments["ModelPackageGroupName"] == "fraud-prod-models"
    [container] = arguments["InferenceSpecification"]["Containers"]
    assert container["ModelDataUrl"] == {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}


def test_hyperparameters_are_sent_as_strings_with_lowercase_booleans() -> None:
    built = definition(hyperparameters={"max_depth": 5, "eta": 0.2, "early_stop": True})

    assert steps(built)["Train"]["Arguments"]["HyperParameters"] == {
        "max_depth": "5", "eta": "0.2", "early_stop": "true"}  # fmt: skip


def test_each_execution_writes_under_its_own_prefix() -> None:
    train = steps(definition())["Train"]["Arguments"]

    assert train["OutputDataConfig"]["S3OutputPath"] == {
        "Std:Join": {"On": "/", "Values": ["s3://artifacts/executions",
                                           {"Get": "Execution.PipelineExecutionId"}, "model"]}
    }  # fmt: skip


def test_local_storage_instances_get_no_volume_key_and_their_outputs_keep_it() -> None:
    # SageMaker refuses VolumeKmsKeyId on instance types with local NVMe storage.
    built = steps(
        definition(instance_type="ml.g5.2xlarge", processing_instance_type="ml.m5d.large")
    )

    for name in ("Process", "Evaluate"):
        arguments = built[name]["Arguments"]
        assert "VolumeKmsKeyId" not in arguments["ProcessingResources"]["ClusterConfig"], name
        assert arguments["ProcessingOutputConfig"]["KmsKeyId"] == KEY, name
    train = built["Train"]["Arguments"]
    assert "VolumeKmsKeyId" not in train["ResourceConfig"]
    assert train["OutputDataConfig"]["KmsKeyId"] == KEY
