"""vertex-endpoint: a Vertex AI endpoint (CMEK, private in prod) logging its predictions to
BigQuery; the CI/CD deploy step deploys models to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.vertex_endpoint.options import VertexEndpointOptions
from opsblocks.contracts.gcp import GcpEndpoint, GcpModelRegistry
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: VertexEndpointOptions) -> GcpEndpoint:
    from components.gcp.vertex_endpoint.component import (
        GcpVertexEndpointServing,
        GcpVertexEndpointServingArgs,
    )

    registry = site.need(GcpModelRegistry)
    serving = GcpVertexEndpointServing(
        site.name,
        GcpVertexEndpointServingArgs(
            labels=site.labels,
            **site.common,
            kms_key_id=site.foundation.kms_key_id,
            protect=site.env.protect_data,
            endpoint_name=site.physical(),
            service_account_id=site.account_id("serving"),
            private_default=site.prod,
            artifact_bucket=registry.artifact_bucket,
            repository_id=registry.repository_id,
            prediction_dataset_id=site.physical("predictions", "_"),
            options=options,
        ),
        site.opts,
    )
    return GcpEndpoint(
        endpoint=serving.endpoint_id,
        prediction_log_table=serving.prediction_log_table,
        deploy_settings=serving.deploy_settings,
    )


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.serving,
    name="vertex-endpoint",
    description="Vertex AI endpoint (CMEK, private in prod) with request-response logging",
    options=VertexEndpointOptions,
    component="components.gcp.vertex_endpoint.component:GcpVertexEndpointServing",
    build=build,
    gives=GcpEndpoint,
    needs=(GcpModelRegistry,),
    apis=("aiplatform.googleapis.com", "bigquery.googleapis.com"),
    names=(NameRule("service account", 30, "-serving", autonamed=False),),
    main_types=("gcp.vertex.AiEndpoint", "gcp.bigquery.Dataset"),
)
