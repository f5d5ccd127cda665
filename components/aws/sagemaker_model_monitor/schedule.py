"""The Model Monitor data-quality job and schedule: created by Pulumi for an endpoint it
deploys, or published for the CI/CD deploy stage to create with the endpoint it deploys.

SageMaker checks that the endpoint exists when a schedule is created, so Pulumi cannot create
one for an endpoint the deploy stage creates later. For that case the same job definition and
schedule, as CreateDataQualityJobDefinition and CreateMonitoringSchedule requests, go to an
SSM parameter the deploy stage reads: both paths give the endpoint the same monitoring.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.aws.sagemaker_model_monitor.documents import data_quality_baseline
from components.aws.shared.instance_storage import volume_key

SCHEDULES = {"hourly": "cron(0 * ? * * *)", "daily": "cron(0 0 ? * * *)"}
# Monitoring jobs may run at most an hour, whatever the schedule.
MAX_RUNTIME_SECONDS = 3600
VOLUME_SIZE_GB = 20
# Standard SSM parameters hold at most 4 KB; the requests stay well under it.
PARAMETER_LIMIT = 4096


@dataclass(frozen=True, kw_only=True)
class DataQualityJob:
    """Everything the job definition and the schedule are made of, resolved or not."""

    endpoint_name: pulumi.Input[str]
    schedule_name: pulumi.Input[str]
    schedule: str
    role_arn: pulumi.Input[str]
    image_uri: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    capture_uri: pulumi.Input[str]
    instance_type: str
    baseline_uri: str | None
    subnet_ids: pulumi.Input[Sequence[str]]
    security_group_id: pulumi.Input[str]
    tags: Mapping[str, str]

    def output_uri(self) -> pulumi.Output[str]:
        return pulumi.Output.concat(self.capture_uri, "monitoring/")


def create(name: str, job: DataQualityJob, opts: pulumi.ResourceOptions) -> None:
    """Job definition and schedule of an endpoint that exists with the platform."""
    sagemaker = aws.sagemaker
    definition = sagemaker.DataQualityJobDefinition(
        f"{name}-data-quality",
        role_arn=job.role_arn,
        data_quality_app_specification=sagemaker.DataQualityJobDefinitionDataQualityAppSpecificationArgs(
            image_uri=job.image_uri,
            environment={"publish_cloudwatch_metrics": "Enabled"},
        ),
        data_quality_baseline_config=data_quality_baseline(job.baseline_uri),
        data_quality_job_input=sagemaker.DataQualityJobDefinitionDataQualityJobInputArgs(
            endpoint_input=sagemaker.DataQualityJobDefinitionDataQualityJobInputEndpointInputArgs(
                endpoint_name=job.endpoint_name
            )
        ),
        data_quality_job_output_config=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigArgs(
            kms_key_id=job.kms_key_arn,
            monitoring_outputs=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsArgs(
                s3_output=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsS3OutputArgs(
                    s3_uri=job.output_uri(), s3_upload_mode="EndOfJob"
                )
            ),
        ),
        job_resources=sagemaker.DataQualityJobDefinitionJobResourcesArgs(
            cluster_config=sagemaker.DataQualityJobDefinitionJobResourcesClusterConfigArgs(
                instance_count=1,
                instance_type=job.instance_type,
                volume_size_in_gb=VOLUME_SIZE_GB,
                # None on local NVMe storage: encrypted in hardware, SageMaker refuses a key.
                volume_kms_key_id=volume_key(job.instance_type, job.kms_key_arn),
            )
        ),
        network_config=sagemaker.DataQualityJobDefinitionNetworkConfigArgs(
            enable_network_isolation=True,
            enable_inter_container_traffic_encryption=True,
            vpc_config=sagemaker.DataQualityJobDefinitionNetworkConfigVpcConfigArgs(
                subnets=job.subnet_ids, security_group_ids=[job.security_group_id]
            ),
        ),
        stopping_condition=sagemaker.DataQualityJobDefinitionStoppingConditionArgs(
            max_runtime_in_seconds=MAX_RUNTIME_SECONDS
        ),
        tags=dict(job.tags),
        opts=opts,
    )
    sagemaker.MonitoringSchedule(
        f"{name}-schedule",
        name=job.schedule_name,
        monitoring_schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigArgs(
            monitoring_type="DataQuality",
            monitoring_job_definition_name=definition.name,
            schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigScheduleConfigArgs(
                schedule_expression=SCHEDULES[job.schedule]
            ),
        ),
        tags=dict(job.tags),
        opts=pulumi.ResourceOptions(parent=opts.parent),
    )


def requests(job: DataQualityJob) -> dict[str, Any]:
    """The same job definition and schedule as `create`, as the API requests the deploy
    stage sends (`--cli-input-json`); the definition is named after the schedule."""
    tags = [{"Key": key, "Value": value} for key, value in job.tags.items()]
    definition: dict[str, Any] = {
        "JobDefinitionName": job.schedule_name,
        "DataQualityAppSpecification": {
            "ImageUri": job.image_uri,
            "Environment": {"publish_cloudwatch_metrics": "Enabled"},
        },
        "DataQualityJobInput": {"EndpointInput": {
            "EndpointName": job.endpoint_name, "LocalPath": "/opt/ml/processing/input",
        }},
        "DataQualityJobOutputConfig": {
            "KmsKeyId": job.kms_key_arn,
            "MonitoringOutputs": [{"S3Output": {
                "S3Uri": job.output_uri(), "LocalPath": "/opt/ml/processing/output",
                "S3UploadMode": "EndOfJob",
            }}],
        },
        "JobResources": {"ClusterConfig": _cluster(job)},
        "NetworkConfig": {
            "EnableNetworkIsolation": True, "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": {"Subnets": job.subnet_ids, "SecurityGroupIds": [job.security_group_id]},
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": MAX_RUNTIME_SECONDS},
        "RoleArn": job.role_arn,
        "Tags": tags,
    }  # fmt: skip
    if job.baseline_uri is not None:
        folder = job.baseline_uri.rstrip("/")
        definition["DataQualityBaselineConfig"] = {
            "ConstraintsResource": {"S3Uri": f"{folder}/constraints.json"},
            "StatisticsResource": {"S3Uri": f"{folder}/statistics.json"},
        }
    schedule = {
        "MonitoringScheduleName": job.schedule_name,
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": SCHEDULES[job.schedule]},
            "MonitoringJobDefinitionName": job.schedule_name,
            "MonitoringType": "DataQuality",
        },
        "Tags": tags,
    }
    return {"job_definition": definition, "schedule": schedule}


def _cluster(job: DataQualityJob) -> dict[str, Any]:
    cluster: dict[str, Any] = {"InstanceCount": 1, "InstanceType": job.instance_type,
                               "VolumeSizeInGB": VOLUME_SIZE_GB}  # fmt: skip
    key = volume_key(job.instance_type, job.kms_key_arn)
    if key is not None:  # none on local NVMe storage: SageMaker refuses one
        cluster["VolumeKmsKeyId"] = key
    return cluster


def publish(name: str, job: DataQualityJob, opts: pulumi.ResourceOptions) -> aws.ssm.Parameter:
    """The requests, for the CI/CD deploy stage to send once it has created the endpoint."""
    return aws.ssm.Parameter(
        f"{name}-schedule-settings",
        name=pulumi.Output.concat("/opsblocks/", job.endpoint_name, "/monitoring"),
        type="String",
        description=f"opsblocks {name}: the Model Monitor schedule the CI/CD deploy stage creates",
        # Names, sizes and ARNs, nothing sensitive: kept readable in state and in the preview.
        insecure_value=pulumi.Output.json_dumps(requests(job)),
        tags=dict(job.tags),
        opts=opts,
    )
