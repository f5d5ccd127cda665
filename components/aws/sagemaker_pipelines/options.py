"""Options of the sagemaker-pipelines tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.aws.shared.option_types import ImageUri, SageMakerInstanceType
from components.options import ASK, Hyperparameter, Options


class SageMakerPipelinesOptions(Options):
    """SageMaker Pipeline: process -> train -> evaluate -> quality gate -> register."""

    instance_type: Annotated[SageMakerInstanceType, ASK] = "ml.m5.xlarge"
    instance_count: int = Field(1, ge=1, le=100, description="Training instances per job.")
    processing_instance_type: SageMakerInstanceType = "ml.m5.large"
    image_uri: ImageUri | None = Field(
        None, description="Training image; default: the SageMaker XGBoost image of the region."
    )
    hyperparameters: dict[str, Hyperparameter] = Field(default_factory=dict)
    volume_size_gb: int = Field(30, ge=1, le=16384)
    max_runtime_hours: int = Field(24, ge=1, le=672)
