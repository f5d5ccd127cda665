"""vertex-pipelines: Vertex AI Pipelines run on a schedule as a dedicated service account, with
TensorBoard and an optional Workbench."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.vertex_pipelines.options import VertexPipelinesOptions
from opsblocks.contracts import QualityGate
from opsblocks.contracts.gcp import GcpData, GcpModelRegistry, GcpPipeline
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: VertexPipelinesOptions) -> GcpPipeline:
    from components.gcp.vertex_pipelines.component import (
        GcpVertexPipelinesTraining,
        GcpVertexPipelinesTrainingArgs,
    )

    data, registry = site.need(GcpData), site.need(GcpModelRegistry)
    # The validation tool's gate, passed as parameters to every scheduled run.
    gate = site.get(QualityGate)
    training = GcpVertexPipelinesTraining(
        site.name,
        GcpVertexPipelinesTrainingArgs(
            labels=site.labels,
            **site.stores,
            **site.network,
            pipeline_name=site.physical("training"),
            service_account_id=site.account_id("pipeline"),
            workbench_account_id=site.account_id("workbench"),
            data_bucket_names=[data.raw_bucket, data.curated_bucket],
            data_uri=data.data_uri,
            dataset_id=data.dataset_id,
            artifact_bucket=registry.artifact_bucket,
            artifact_uri=registry.artifact_uri,
            repository_id=registry.repository_id,
            quality_metric=gate.metric if gate else None,
            quality_threshold=gate.threshold if gate else None,
            quality_direction=gate.direction if gate else "maximize",
            options=options,
        ),
        site.opts,
    )
    return GcpPipeline(
        pipeline=training.pipeline_name,
        pipeline_root_uri=training.pipeline_root_uri,
        service_account_email=training.service_account_email,
        template_repository_id=training.template_repository_id,
        scheduler_job_name=training.scheduler_job_name,
    )


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.training,
    name="vertex-pipelines",
    description="Vertex AI Pipelines on a schedule, dedicated service account, TensorBoard, "
    "Workbench",
    options=VertexPipelinesOptions,
    component="components.gcp.vertex_pipelines.component:GcpVertexPipelinesTraining",
    build=build,
    gives=GcpPipeline,
    needs=(GcpData, GcpModelRegistry),
    uses=(QualityGate,),
    apis=(
        "aiplatform.googleapis.com",
        "cloudscheduler.googleapis.com",
        "notebooks.googleapis.com",
        "iam.googleapis.com",
    ),
    names=(
        NameRule("service account", 30, "-workbench", autonamed=False),
        NameRule("Cloud Storage bucket", 63, "-training-root"),
    ),
    main_types=(
        "gcp.cloudscheduler.Job",
        "gcp.vertex.AiTensorboard",
        "gcp.workbench.Instance",
        "gcp.artifactregistry.Repository",
        "gcp.storage.Bucket",
    ),
    coverage={"workbench": True},
)
