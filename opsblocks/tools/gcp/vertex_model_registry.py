"""vertex-model-registry: Artifact Registry for images, the Vertex ML Metadata store and the
model-artifact bucket."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.vertex_model_registry.options import VertexModelRegistryOptions
from opsblocks.contracts.gcp import GcpModelRegistry
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: VertexModelRegistryOptions) -> GcpModelRegistry:
    from components.gcp.vertex_model_registry.component import (
        GcpVertexModelRegistry,
        GcpVertexModelRegistryArgs,
    )

    registry = GcpVertexModelRegistry(
        site.name,
        GcpVertexModelRegistryArgs(
            labels=site.labels,
            **site.stores,
            repository_id=site.physical("images"),
            options=options,
        ),
        site.opts,
    )
    return GcpModelRegistry(
        artifact_uri=registry.artifact_uri,
        image_repository=registry.repository_url,
        repository_id=registry.repository_id,
        artifact_bucket=registry.artifact_bucket,
    )


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.registry,
    name="vertex-model-registry",
    description="Artifact Registry (CMEK, immutable tags, cleanup), Vertex ML Metadata, artifact "
    "bucket",
    options=VertexModelRegistryOptions,
    component="components.gcp.vertex_model_registry.component:GcpVertexModelRegistry",
    build=build,
    gives=GcpModelRegistry,
    apis=("artifactregistry.googleapis.com", "aiplatform.googleapis.com"),
    names=(
        NameRule("Artifact Registry repository", 63, "-staging-images", autonamed=False),
        NameRule("Cloud Storage bucket", 63, "-registry-artifacts"),
    ),
    main_types=(
        "gcp.vertex.AiMetadataStore",
        "gcp.artifactregistry.Repository",
        "gcp.storage.Bucket",
    ),
)
