"""Options of the sagemaker-model-monitor tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from components.aws.shared.option_types import S3Uri, SageMakerInstanceType
from components.options import ASK, Email, Options


class SageMakerModelMonitorOptions(Options):
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
