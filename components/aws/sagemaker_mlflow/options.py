"""Options of the sagemaker-mlflow tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from components.options import ASK, Options

MLFLOW_VERSION = "3.0"
"""The newest MLflow line SageMaker's guide offers for tracking servers (2.13.x, 2.16.x, 3.0.x;
clients use mlflow==3.0.0 with a 3.0 server): CreateMlflowTrackingServer `MlflowVersion`, the
major and minor version, SageMaker running its current patch. Pinned: the provider replaces the
server when it changes, and a replaced server starts with no experiments."""


class SageMakerMlflowOptions(Options):
    """SageMaker managed MLflow tracking server with its own artifact bucket."""

    size: Annotated[Literal["Small", "Medium", "Large"], ASK] = Field(
        "Small",
        description="Tracking server size (CreateMlflowTrackingServer TrackingServerSize): "
        "AWS suggests Small for up to 25 users, Medium up to 50, Large up to 100.",
    )
    mlflow_version: str = Field(
        MLFLOW_VERSION,
        # CreateMlflowTrackingServer MlflowVersion: at most 16 characters, digits and dots.
        pattern=r"^\d+\.\d+(\.\d+)?$",
        max_length=16,
        description="MLflow version of the server. Changing it replaces the server and loses "
        "its experiments and registered models (protected in prod: the change is refused).",
    )
    automatic_model_registration: bool = Field(
        False,
        description="Register MLflow models in the SageMaker Model Registry as well; gives the "
        "server's role the rights to create model package groups and packages.",
    )
    maintenance_window: str = Field(
        "Sun:03:00",
        # CreateMlflowTrackingServer WeeklyMaintenanceWindowStart.
        pattern=r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$",
        description="Start of the weekly maintenance window, day and UTC time, e.g. Sun:03:00.",
    )
