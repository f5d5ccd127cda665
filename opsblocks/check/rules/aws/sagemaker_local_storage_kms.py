"""No KMS volume key on instance types with local NVMe storage: SageMaker refuses the request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, document
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._instances import local_storage

CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
JOBS = (
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
    "aws:sagemaker/modelQualityJobDefinition:ModelQualityJobDefinition",
)
PIPELINE = "aws:sagemaker/pipeline:Pipeline"
PARAMETER = "aws:ssm/parameter:Parameter"
PROJECT = "aws:codebuild/project:Project"


def _pipeline_clashes(pipeline: Node) -> list[str]:
    definition = document(pipeline.get("pipelineDefinition"))
    defaults = {
        p.get("Name"): p.get("DefaultValue")
        for p in as_list(definition.get("Parameters"))
        if isinstance(p, Mapping)
    }
    clashes = []
    for step in as_list(definition.get("Steps")):
        arguments = step.get("Arguments") if isinstance(step, Mapping) else None
        if not isinstance(arguments, Mapping):
            continue
        resources = arguments.get("ResourceConfig") or _cluster(arguments)
        if not isinstance(resources, Mapping) or not resources.get("VolumeKmsKeyId"):
            continue
        instance = resources.get("InstanceType")
        if isinstance(instance, Mapping):  # {"Get": "Parameters.TrainingInstanceType"}
            instance = defaults.get(str(instance.get("Get", "")).removeprefix("Parameters."))
        if local_storage(instance):
            clashes.append(f"step {step.get('Name')} on {instance}")
    return clashes


def _settings_clashes(value: Any) -> list[str]:
    """Instance types that settings CI/CD creates SageMaker resources from pair with a key: an
    endpoint's `instance_type` with `kms_key_arn`, a job's `InstanceType` with `VolumeKmsKeyId`."""
    found: list[str] = []
    if isinstance(value, Mapping):
        pairs = (("instance_type", "kms_key_arn"), ("InstanceType", "VolumeKmsKeyId"))
        for instance, key in pairs:
            if value.get(key) and local_storage(value.get(instance)):
                found.append(str(value[instance]))
        for item in value.values():
            found += _settings_clashes(item)
    elif isinstance(value, list):
        for item in value:
            found += _settings_clashes(item)
    return found


def _cluster(arguments: Mapping[str, Any]) -> Any:
    processing = arguments.get("ProcessingResources")
    return processing.get("ClusterConfig") if isinstance(processing, Mapping) else None


def check(stack: Stack) -> Iterator[Flag]:
    for config in stack.of_type(CONFIG):
        types = [
            v.get("instanceType")
            for v in as_list(config.get("productionVariants"))
            if isinstance(v, Mapping)
        ]
        local = [str(t) for t in types if local_storage(t)]
        if config.get("kmsKeyArn") is not None and local:
            yield Flag(config, f"kms_key_arn with {', '.join(local)}: CreateEndpointConfig fails")
    for job in stack.of_type(*JOBS):
        cluster = job.get("jobResources.clusterConfig")
        if (
            isinstance(cluster, Mapping)
            and cluster.get("volumeKmsKeyId") is not None
            and local_storage(cluster.get("instanceType"))
        ):
            yield Flag(job, f"volume_kms_key_id with {cluster.get('instanceType')}: the job fails")
    for pipeline in stack.of_type(PIPELINE):
        clashes = _pipeline_clashes(pipeline)
        if clashes:
            yield Flag(pipeline, f"VolumeKmsKeyId on local storage ({'; '.join(clashes)})")
    released = {d for p in stack.of_type(PROJECT) for d in p.dependencies}
    for parameter in stack.of_type(PARAMETER):
        value = parameter.get("insecureValue") or parameter.get("value")
        clashes = _settings_clashes(document(value)) if parameter.urn in released else []
        if clashes:
            yield Flag(
                parameter,
                f"CI/CD creates SageMaker resources on {', '.join(sorted(set(clashes)))} "
                "with a KMS volume key: the release fails",
            )


RULE = Rule(
    id="OB-AWS-SM-007",
    severity=Severity.critical,
    title="No KMS volume key is requested for SageMaker instances with local NVMe storage",
    protects="the first `up`, training run or release failing: SageMaker rejects the key there",
    fix="no kms_key_arn or VolumeKmsKeyId on ml.*d*, g5, g6, p5, trn1, dl1 types: "
    "their storage is hardware-encrypted",
    source="opsblocks deploy review: KMS volume key on local-storage instances",
    check=check,
)
