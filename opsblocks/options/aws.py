"""Options of the AWS tools. Each model is what `capabilities.<capability>.options` accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from opsblocks.model import Strict
from opsblocks.options import ASK, Email, Hyperparameter

SageMakerInstanceType = Annotated[
    str,
    Field(
        pattern=r"^ml\.[a-z0-9]+\.[a-z0-9]+$",
        description="SageMaker instance type, e.g. ml.m5.xlarge.",
    ),
]
S3Uri = Annotated[str, Field(pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")]


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
ImageUri = Annotated[
    str,
    Field(
        pattern=r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+[:@][\w.:-]+$",
        description="ECR image URI with a tag or digest.",
    ),
]


class S3DataOptions(Strict):
    """Data lake on S3: raw and curated buckets, catalogued by Glue."""

    infrequent_access_after_days: int = Field(
        30, ge=30, description="Move objects to S3 Standard-IA after this many days (min 30)."
    )
    noncurrent_versions_days: int = Field(
        90, ge=1, description="Delete superseded object versions after this many days."
    )
    crawler_schedule: str = Field(
        "cron(0 2 * * ? *)", description="When the Glue crawler refreshes the catalog."
    )


class SageMakerModelRegistryOptions(Strict):
    """Model package group, ECR repository and model-artifact bucket."""

    keep_images: int = Field(
        50,
        ge=1,
        le=1000,
        description="Untagged images kept in the ECR repository; older untagged ones expire "
        "(tagged images, which models may serve, are never expired).",
    )


class SageMakerPipelinesOptions(Strict):
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


class SageMakerEndpointOptions(Strict):
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


class SageMakerQualityGateOptions(Strict):
    """Metric threshold enforced by the training pipeline before a model is registered."""

    metric: Annotated[str, ASK] = Field(
        "auc", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$", description="Metric in evaluation.json."
    )
    threshold: Annotated[float, ASK] = Field(
        0.8, description="Models below (or above, see direction) fail."
    )
    direction: Literal["maximize", "minimize"] = "maximize"
    approval: Literal["manual", "automatic"] = Field(
        "manual", description="manual: new model packages wait for a person to approve them."
    )


class SageMakerModelMonitorOptions(Strict):
    """Data-quality monitoring, alarms, alerts and a dashboard."""

    data_quality: bool = Field(
        True,
        description="Run the Model Monitor data-quality schedule; false: the CloudWatch alarms "
        "and the dashboard watch the endpoint alone.",
    )
    schedule: Literal["hourly", "daily"] = "daily"
    alert_email: Annotated[Email | None, ASK] = Field(
        None, description="Where alarms and gate results go."
    )
    latency_p99_ms: int = Field(1000, ge=1, description="Alarm when p99 model latency exceeds.")
    max_errors_per_5min: int = Field(5, ge=1, description="Alarm when 5xx errors exceed.")
    instance_type: SageMakerInstanceType = "ml.m5.large"
    baseline_uri: S3Uri | None = Field(
        None,
        description="S3 folder holding constraints.json and statistics.json of the training "
        "data (Model Monitor's suggested baseline); without it the job only profiles traffic.",
    )
    drift_features: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,200}$")]] = Field(
        default_factory=list,
        description="Features to alarm on when they drift from the baseline (needs baseline_uri).",
    )
    drift_threshold: float = Field(0.1, gt=0, description="Baseline drift distance that alarms.")

    @model_validator(mode="after")
    def _drift_needs_a_baseline(self) -> SageMakerModelMonitorOptions:
        if self.drift_features and self.baseline_uri is None:
            raise ValueError("drift_features need a baseline_uri to measure drift against")
        if not self.data_quality and (self.drift_features or self.baseline_uri is not None):
            raise ValueError(
                "baseline_uri and drift_features need data_quality: true (the "
                "Model Monitor schedule measures drift)"
            )
        return self


class CodePipelineOptions(Strict):
    """CodePipeline V2 fed by a CodeConnections connection to the model repository."""

    repository: str = Field(
        ...,
        pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$",
        description="Repository as owner/name (GitLab groups: group/subgroup/name).",
    )
    branch: Annotated[str, ASK] = Field("main", min_length=1, max_length=255)
    provider: Annotated[Literal["GitHub", "GitLab", "Bitbucket"], ASK] = "GitHub"
    build_compute: Literal[
        "BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"
    ] = "BUILD_GENERAL1_SMALL"
    build_image: str = Field("aws/codebuild/standard:7.0", min_length=1)
