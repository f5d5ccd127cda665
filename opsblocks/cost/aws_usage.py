"""AWS pricers of usage-based types: billed per GB, hour or minute used, from the blueprint's
`usage:` assumptions (none given: no quantity, "depends on usage", not in the total).

Platform-wide assumptions are priced once, not on every resource of a type:
- `storage_gb` (GB in all the platform's buckets) on the data capability's curated bucket,
  or the first bucket when the blueprint has no data capability;
- `log_gb` (GB of logs ingested) on the foundation's log group, else the first log group;
- `build_minutes` on the first CodeBuild project (CodeBuild) and on the CodePipeline (V2
  action minutes, which run about as long as the builds).
The other buckets, log groups and projects get no line of their own: their cost is in it.

A pipeline definition names subnets and roles, so a preview knows it only after `up`: the
training instance type is then read from the training options the definition is built from.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from opsblocks.cost.estimate import (
    Context,
    Pricer,
    count,
    curated_data,
    in_foundation,
    platform_wide,
)
from opsblocks.cost.model import HOURS_PER_MONTH, Kind, Line
from opsblocks.errors import CostError
from opsblocks.model import Capability
from opsblocks.preview import Resource

ONE = Decimal(1)
HOURS = HOURS_PER_MONTH


def times(quantity: Decimal | None, factor: Decimal) -> Decimal | None:
    return None if quantity is None else quantity * factor


bucket = platform_wide("Storage, S3 Standard (all platform buckets)", "s3-storage",
                       "standard", "storage_gb", curated_data)  # fmt: skip
log_group = platform_wide("Log ingestion (all platform logs)", "cloudwatch-logs", "ingestion",
                          "log_gb", in_foundation)  # fmt: skip


def ecr_repository(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Image storage", Kind.usage, "ecr-storage", "storage", None)]


def glue_crawler(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Crawler runs", Kind.usage, "glue-crawler", "dpu", None)]


def sagemaker_pipeline(resource: Resource, context: Context) -> list[Line]:
    """Training jobs on the pipeline's training instances, and its processing jobs."""
    parameters = _pipeline_parameters(resource, context)
    training, instances = (
        parameters["TrainingInstanceType"],
        count(parameters["TrainingInstanceCount"]),
    )
    processing = parameters["ProcessingInstanceType"]
    hours = times(context.assumption("training_hours"), instances)
    return [
        context.line(f"Training jobs ({instances} x {training})", Kind.usage,
                     "sagemaker-training", training, hours, "training_hours"),
        context.line(f"Processing jobs ({processing})", Kind.usage,
                     "sagemaker-processing", processing, None),
    ]  # fmt: skip


def _pipeline_parameters(resource: Resource, context: Context) -> dict[str, Any]:
    """Defaults of the pipeline definition's parameters, or of the training options."""
    definition = resource.inputs.get("pipelineDefinition")
    if isinstance(definition, str) and definition.startswith("{"):
        found = {p["Name"]: p.get("DefaultValue") for p in json.loads(definition)["Parameters"]}
        if isinstance(found.get("TrainingInstanceType"), str):
            return found
    training = context.options(Capability.training)
    if training is None or not hasattr(training, "instance_type"):
        raise CostError("cannot read the training instance type of the pipeline")
    return {
        "TrainingInstanceType": training.instance_type,
        "TrainingInstanceCount": getattr(training, "instance_count", 1),
        "ProcessingInstanceType": getattr(training, "processing_instance_type", "ml.m5.large"),
    }


def data_quality_job(resource: Resource, context: Context) -> list[Line]:
    cluster = (resource.inputs.get("jobResources") or {}).get("clusterConfig") or {}
    instance_type, instances = cluster.get("instanceType"), count(cluster.get("instanceCount"))
    if not isinstance(instance_type, str):
        raise CostError("the monitoring job's instance type is unknown")
    hours = times(context.assumption("monitoring_hours"), instances)
    name = f"Monitoring jobs ({instances} x {instance_type})"
    return [
        context.line(name, Kind.usage, "sagemaker-processing", instance_type, hours,
                     "monitoring_hours")
    ]  # fmt: skip


def codebuild_project(resource: Resource, context: Context) -> list[Line]:
    if not context.designated(resource):
        return []
    environment = resource.inputs.get("environment") or {}
    # BUILD_GENERAL1_SMALL -> general1.small; another environment than Linux (ARM, GPU,
    # Windows) is named too, and has no price in the book: an error, never a wrong price.
    compute = str(environment.get("computeType", "")).removeprefix("BUILD_").lower()
    compute = compute.replace("_", ".")
    if (kind := environment.get("type", "LINUX_CONTAINER")) != "LINUX_CONTAINER":
        compute = f"{str(kind).lower()}/{compute}"
    minutes = context.assumption("build_minutes")
    name = f"Build minutes, all projects ({compute})"
    return [context.line(name, Kind.usage, "codebuild", compute, minutes, "build_minutes")]


def codepipeline(resource: Resource, context: Context) -> list[Line]:
    if resource.inputs.get("pipelineType", "V1") != "V2":
        return [context.line("Active pipeline (V1)", Kind.monthly, "codepipeline-v1",
                             "active-pipeline", ONE)]  # fmt: skip
    # Action minutes are the platform's total (the main and the release pipeline run the
    # same builds): priced once, on the first V2 pipeline.
    if not context.designated(resource, lambda r: r.inputs.get("pipelineType") == "V2"):
        return []
    minutes = context.assumption("build_minutes")
    name = "Action minutes (V2, taken as usage.build_minutes)"
    return [context.line(name, Kind.usage, "codepipeline-v2", "action-minutes", minutes,
                         "build_minutes")]  # fmt: skip


USAGE: dict[str, Pricer] = {
    "aws:s3/bucket:Bucket": bucket,
    "aws:cloudwatch/logGroup:LogGroup": log_group,
    "aws:ecr/repository:Repository": ecr_repository,
    "aws:glue/crawler:Crawler": glue_crawler,
    "aws:sagemaker/pipeline:Pipeline": sagemaker_pipeline,
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": data_quality_job,
    "aws:codebuild/project:Project": codebuild_project,
    "aws:codepipeline/pipeline:Pipeline": codepipeline,
}
