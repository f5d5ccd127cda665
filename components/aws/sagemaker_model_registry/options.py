"""Options of the sagemaker-model-registry tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from pydantic import Field

from components.options import Options


class SageMakerModelRegistryOptions(Options):
    """Model package group, ECR repository and model-artifact bucket."""

    keep_images: int = Field(
        50,
        ge=1,
        le=1000,
        description="Untagged images kept in the ECR repository; older untagged ones expire "
        "(tagged images, which models may serve, are never expired).",
    )
