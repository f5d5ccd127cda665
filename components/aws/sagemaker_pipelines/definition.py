"""The SageMaker Pipeline definition of the training capability, as plain data (no Pulumi).

process -> train -> evaluate -> [quality gate: register, else fail] -> register

The definition follows the SageMaker pipeline-definition JSON schema (Version 2020-12-01).
Values CI/CD may change per run (input data, code, images, instance types) are pipeline
Parameters whose defaults come from the blueprint. The quality threshold and the approval
status of a registered model are not parameters on purpose: whoever starts a run (the CI
train stage, which runs the repository's code) can neither lower the bar the blueprint set
nor register its model as Approved.

The scripts are read from `<artifact uri>/code/latest/` by default (parameter CodeUri; CI
passes the folder of its commit and publishes the same scripts there): `preprocess.py` writes
train/validation/test splits, `evaluate.py` writes `evaluation.json` shaped
`{"metrics": {"<metric>": {"value": <number>}}}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components.aws.shared.instance_storage import volume_key

VERSION = "2020-12-01"
CODE_DIR = "/opt/ml/processing/code"
# ProcessingStoppingCondition accepts at most 9 days (training jobs: 28).
MAX_PROCESSING_SECONDS = 777_600
CONDITION_BY_DIRECTION = {"maximize": "GreaterThanOrEqualTo", "minimize": "LessThanOrEqualTo"}
EVALUATION_REPORT = "EvaluationReport"
LATEST_CODE = "code/latest"
"""Where CI publishes the scripts of the last trained commit: the default CodeUri."""

Json = dict[str, Any]
Hyperparameters = Mapping[str, str | int | float | bool]


def build_definition(
    *,
    role_arn: str,
    training_image_uri: str,
    processing_image_uri: str,
    instance_type: str,
    instance_count: int,
    processing_instance_type: str,
    volume_size_gb: int,
    max_runtime_hours: int,
    hyperparameters: Hyperparameters,
    data_uri: str,
    artifact_uri: str,
    kms_key_id: str,
    subnet_ids: Sequence[str],
    security_group_id: str,
    model_package_group_name: str,
    model_approval_status: str = "PendingManualApproval",
    quality_metric: str | None = None,
    quality_threshold: float | None = None,
    quality_direction: str = "maximize",
) -> Json:
    """The pipeline definition; `json.dumps` it for `aws.sagemaker.Pipeline`."""
    if quality_metric is not None and quality_threshold is None:
        raise ValueError(f"quality metric '{quality_metric}' needs a quality threshold")
    if quality_direction not in CONDITION_BY_DIRECTION:
        choices = ", ".join(CONDITION_BY_DIRECTION)
        raise ValueError(f"quality direction '{quality_direction}' is not one of {choices}")
    vpc = {"Subnets": list(subnet_ids), "SecurityGroupIds": [security_group_id]}
    # Volume keys follow the default instance types: none on local NVMe storage, which is
    # encrypted in hardware and for which SageMaker refuses a VolumeKmsKeyId.
    jobs = _Jobs(
        role_arn=role_arn, kms_key_id=kms_key_id, vpc=vpc, volume_size_gb=volume_size_gb,
        runtime_seconds=max_runtime_hours * 3600, artifact_uri=artifact_uri,
        training_volume_key=volume_key(instance_type, kms_key_id),
        processing_volume_key=volume_key(processing_instance_type, kms_key_id),
    )  # fmt: skip
    register = _register_step(model_package_group_name, model_approval_status)
    last = register
    if quality_metric is not None and quality_threshold is not None:
        last = _condition_step(quality_metric, quality_threshold, quality_direction, register)
    parameters: dict[str, str | int] = {
        "InputDataUri": data_uri, "CodeUri": _join(artifact_uri, LATEST_CODE) + "/",
        "TrainingImage": training_image_uri, "ProcessingImage": processing_image_uri,
        "TrainingInstanceType": instance_type, "TrainingInstanceCount": instance_count,
        "ProcessingInstanceType": processing_instance_type,
    }  # fmt: skip
    return {
        "Version": VERSION,
        "Metadata": {},
        "Parameters": [_parameter(name, default) for name, default in parameters.items()],
        "Steps": [
            _process_step(jobs),
            _train_step(jobs, hyperparameters),
            _evaluate_step(jobs),
            last,
        ],
    }


@dataclass(frozen=True, kw_only=True)
class _Jobs:
    """What every job of the pipeline shares: identity, key, network, disk, time, output root."""

    role_arn: str
    kms_key_id: str
    vpc: Json
    volume_size_gb: int
    runtime_seconds: int
    artifact_uri: str
    training_volume_key: str | None
    processing_volume_key: str | None

    def output_uri(self, name: str) -> Json:
        """`<artifact uri>/executions/<execution id>/<name>`: runs never overwrite each other."""
        root = _join(self.artifact_uri, "executions")
        return _std_join("/", root, _get("Execution.PipelineExecutionId"), name)

    def processing(self, script: str, inputs: list[Json], outputs: Sequence[str]) -> Json:
        cluster = _volumes({"InstanceType": _get("Parameters.ProcessingInstanceType"),
                            "InstanceCount": 1, "VolumeSizeInGB": self.volume_size_gb},
                           self.processing_volume_key)  # fmt: skip
        code = _processing_input("code", _get("Parameters.CodeUri"), CODE_DIR)
        return {
            "ProcessingResources": {"ClusterConfig": cluster},
            "AppSpecification": {
                "ImageUri": _get("Parameters.ProcessingImage"),
                "ContainerEntrypoint": ["python3", f"{CODE_DIR}/{script}"],
            },
            "RoleArn": self.role_arn,
            "ProcessingInputs": [code, *inputs],
            "ProcessingOutputConfig": {
                "Outputs": [self._processing_output(name) for name in outputs],
                "KmsKeyId": self.kms_key_id,
            },
            "StoppingCondition": {
                "MaxRuntimeInSeconds": min(self.runtime_seconds, MAX_PROCESSING_SECONDS)
            },
            # SageMaker moves the inputs and outputs; the scripts themselves get no network.
            "NetworkConfig": {
                "EnableNetworkIsolation": True,
                "EnableInterContainerTrafficEncryption": True,
                "VpcConfig": self.vpc,
            },
        }

    def _processing_output(self, name: str) -> Json:
        s3 = {"S3Uri": self.output_uri(name), "LocalPath": f"/opt/ml/processing/{name}",
              "S3UploadMode": "EndOfJob"}  # fmt: skip
        return {"OutputName": name, "AppManaged": False, "S3Output": s3}


def _process_step(jobs: _Jobs) -> Json:
    raw = _processing_input("data", _get("Parameters.InputDataUri"), "/opt/ml/processing/input")
    arguments = jobs.processing("preprocess.py", [raw], ["train", "validation", "test"])
    return {"Name": "Process", "Type": "Processing", "Arguments": arguments}


def _train_step(jobs: _Jobs, hyperparameters: Hyperparameters) -> Json:
    resources = _volumes({"InstanceType": _get("Parameters.TrainingInstanceType"),
                          "InstanceCount": _get("Parameters.TrainingInstanceCount"),
                          "VolumeSizeInGB": jobs.volume_size_gb},
                         jobs.training_volume_key)  # fmt: skip
    arguments = {
        "AlgorithmSpecification": {
            "TrainingImage": _get("Parameters.TrainingImage"),
            "TrainingInputMode": "File",
        },
        "RoleArn": jobs.role_arn,
        "HyperParameters": {key: _hyperparameter(v) for key, v in hyperparameters.items()},
        "InputDataConfig": [_channel("train"), _channel("validation")],
        "OutputDataConfig": {"S3OutputPath": jobs.output_uri("model"), "KmsKeyId": jobs.kms_key_id},
        "ResourceConfig": resources,
        "StoppingCondition": {"MaxRuntimeInSeconds": jobs.runtime_seconds},
        "VpcConfig": jobs.vpc,
        "EnableNetworkIsolation": True,
        "EnableInterContainerTrafficEncryption": True,
    }
    return {"Name": "Train", "Type": "Training", "Arguments": arguments}


def _evaluate_step(jobs: _Jobs) -> Json:
    inputs = [
        _processing_input("model", _model_artifacts(), "/opt/ml/processing/model"),
        _processing_input("test", _split_uri("test"), "/opt/ml/processing/test"),
    ]
    # The condition step reads the metric from this file of the evaluation output.
    report = {"PropertyFileName": EVALUATION_REPORT, "OutputName": "evaluation",
              "FilePath": "evaluation.json"}  # fmt: skip
    return {
        "Name": "Evaluate",
        "Type": "Processing",
        "Arguments": jobs.processing("evaluate.py", inputs, ["evaluation"]),
        "PropertyFiles": [report],
    }


def _condition_step(metric: str, threshold: float, direction: str, register: Json) -> Json:
    report = _get(f"Steps.Evaluate.PropertyFiles.{EVALUATION_REPORT}")
    measured = {"Std:JsonGet": {"PropertyFile": report, "Path": f"metrics.{metric}.value"}}
    condition = {"Type": CONDITION_BY_DIRECTION[direction], "LeftValue": measured,
                 "RightValue": threshold}  # fmt: skip
    gate = f"{metric} {'>=' if direction == 'maximize' else '<='} {threshold:g}"
    # Failing the execution (rather than skipping registration) is what raises the alert.
    message = f"Quality gate {gate} not met: the model was not registered"
    fail = {"Name": "QualityGateFailed", "Type": "Fail", "Arguments": {"ErrorMessage": message}}
    return {
        "Name": "CheckQuality",
        "Type": "Condition",
        "Arguments": {"Conditions": [condition], "IfSteps": [register], "ElseSteps": [fail]},
    }


def _register_step(model_package_group_name: str, model_approval_status: str) -> Json:
    evaluation = _get("Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri")
    container = {"Image": _get("Parameters.TrainingImage"), "ModelDataUrl": _model_artifacts()}
    statistics = {"ContentType": "application/json",
                  "S3Uri": _std_join("/", evaluation, "evaluation.json")}  # fmt: skip
    arguments = {
        "ModelPackageGroupName": model_package_group_name,
        "ModelApprovalStatus": model_approval_status,
        "InferenceSpecification": {
            "Containers": [container],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        "ModelMetrics": {"ModelQuality": {"Statistics": statistics}},
    }
    return {"Name": "Register", "Type": "RegisterModel", "Arguments": arguments}


def _volumes(resources: Json, key: str | None) -> Json:
    return resources if key is None else resources | {"VolumeKmsKeyId": key}


def _channel(split: str) -> Json:
    source = {"S3DataType": "S3Prefix", "S3Uri": _split_uri(split),
              "S3DataDistributionType": "FullyReplicated"}  # fmt: skip
    # The default XGBoost image reads headerless CSV, label first.
    return {"ChannelName": split, "DataSource": {"S3DataSource": source}, "ContentType": "text/csv"}


def _processing_input(name: str, s3_uri: Json, local_path: str) -> Json:
    s3 = {"S3Uri": s3_uri, "LocalPath": local_path, "S3DataType": "S3Prefix", "S3InputMode": "File",
          "S3DataDistributionType": "FullyReplicated"}  # fmt: skip
    return {"InputName": name, "AppManaged": False, "S3Input": s3}


def _split_uri(split: str) -> Json:
    return _get(f"Steps.Process.ProcessingOutputConfig.Outputs['{split}'].S3Output.S3Uri")


def _model_artifacts() -> Json:
    return _get("Steps.Train.ModelArtifacts.S3ModelArtifacts")


def _parameter(name: str, default: str | int) -> Json:
    return {"Name": name, "Type": "Integer" if isinstance(default, int) else "String",
            "DefaultValue": default}  # fmt: skip


def _get(path: str) -> Json:
    return {"Get": path}


def _std_join(separator: str, *values: str | Json) -> Json:
    return {"Std:Join": {"On": separator, "Values": list(values)}}


def _join(uri: str, *parts: str) -> str:
    return "/".join([uri.rstrip("/"), *parts])


def _hyperparameter(value: str | int | float | bool) -> str:
    # SageMaker passes hyperparameters as strings; algorithms expect lowercase booleans.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
