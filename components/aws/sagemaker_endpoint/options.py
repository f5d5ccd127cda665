"""Options of the sagemaker-endpoint tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from components.aws.shared.option_types import ImageUri, S3Uri, SageMakerInstanceType
from components.options import ASK, Options


def _check_model_archive(uri: str) -> str:
    # CreateModel: ModelDataUrl "must point to a single gzip compressed tar archive (.tar.gz
    # suffix)"; the serving role is granted read on exactly that object.
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not key.endswith(".tar.gz") or key.endswith("/.tar.gz"):
        folder = f"s3://{bucket}/{key.rstrip('/') + '/' if key else ''}"
        raise ValueError(
            f"'{uri}' does not name a model archive: SageMaker serves one .tar.gz object "
            f"(e.g. {folder}model.tar.gz)"
        )
    return uri


ModelArchiveUri = Annotated[S3Uri, AfterValidator(_check_model_archive)]


class SageMakerEndpointOptions(Options):
    """Real-time endpoint with data capture and auto-scaling."""

    instance_type: Annotated[SageMakerInstanceType, ASK] = "ml.m5.large"
    min_instances: Annotated[int, ASK] = Field(1, ge=1, le=100)
    max_instances: Annotated[int, ASK] = Field(4, ge=1, le=100)
    invocations_per_instance: int = Field(
        200, ge=1, description="Target invocations per instance per minute for auto-scaling."
    )
    capture_percent: int = Field(100, ge=0, le=100, description="Share of requests captured.")
    model_data_url: ModelArchiveUri | None = Field(
        None,
        description="model.tar.gz object to serve now (the serving role may read exactly it); "
        "without it the CI/CD deploy stage creates the endpoint from the latest approved "
        "model package.",
    )
    image_uri: ImageUri | None = Field(
        None, description="Inference image; default: the SageMaker XGBoost image of the region."
    )

    @model_validator(mode="after")
    def _max_not_below_min(self) -> SageMakerEndpointOptions:
        if self.max_instances < self.min_instances:
            raise ValueError(
                f"max_instances ({self.max_instances}) is below min_instances "
                f"({self.min_instances})"
            )
        return self
