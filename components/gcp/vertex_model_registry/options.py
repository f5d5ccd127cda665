"""Options of the vertex-model-registry tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from pydantic import Field

from components.options import Options


class VertexModelRegistryOptions(Options):
    """Artifact Registry for images, Vertex ML Metadata store, model-artifact bucket."""

    keep_images: int = Field(
        50, ge=1, le=1000, description="Images kept in the repository; older ones are cleaned up."
    )
