"""Options of the GCP tools. Each model is what `capabilities.<capability>.options` accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from opsblocks.model import Strict
from opsblocks.options import ASK, Email, Hyperparameter

MachineType = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9]*-[a-z0-9]+-[0-9]+$",
        description="Compute Engine machine type, e.g. n1-standard-4.",
    ),
]
# Cloud Scheduler's unix-cron: five fields.
Cron = Annotated[str, Field(pattern=r"^(\S+\s+){4}\S+$", description="unix-cron, e.g. 0 3 * * 1")]
Repository = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="GitHub repository: owner/name"
    ),
]


class GcsBigQueryOptions(Strict):
    """Data lake on Cloud Storage (raw, curated) and a BigQuery dataset."""

    nearline_after_days: int = Field(
        30, ge=30, description="Move objects to Nearline storage after this many days (min 30)."
    )
    noncurrent_versions_days: int = Field(
        90, ge=1, description="Delete superseded object versions after this many days."
    )


class VertexModelRegistryOptions(Strict):
    """Artifact Registry for images, Vertex ML Metadata store, model-artifact bucket."""

    keep_images: int = Field(
        50, ge=1, le=1000, description="Images kept in the repository; older ones are cleaned up."
    )


class VertexPipelinesOptions(Strict):
    """Vertex AI Pipelines run on a schedule, with TensorBoard and an optional Workbench."""

    machine_type: Annotated[MachineType, ASK] = "n1-standard-4"
    schedule: Annotated[Cron, ASK] = "0 3 * * 1"
    time_zone: str = Field("Etc/UTC", min_length=1)
    hyperparameters: dict[str, Hyperparameter] = Field(default_factory=dict)
    workbench: bool = Field(False, description="A Workbench notebook instance for the team.")
    workbench_machine_type: MachineType = "e2-standard-4"


class VertexEndpointOptions(Strict):
    """Vertex AI endpoint; models are deployed to it by the CI/CD deploy step."""

    machine_type: Annotated[MachineType, ASK] = "n1-standard-4"
    min_replicas: Annotated[int, ASK] = Field(1, ge=1, le=100)
    max_replicas: Annotated[int, ASK] = Field(2, ge=1, le=100)
    private: bool | None = Field(
        None, description="Private Service Connect only; default: private in prod."
    )

    @model_validator(mode="after")
    def _max_not_below_min(self) -> VertexEndpointOptions:
        if self.max_replicas < self.min_replicas:
            raise ValueError(
                f"max_replicas ({self.max_replicas}) is below min_replicas ({self.min_replicas})"
            )
        return self


class VertexQualityGateOptions(Strict):
    """Metric threshold the training pipeline enforces before a model is registered."""

    metric: Annotated[str, ASK] = Field("auc", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    threshold: Annotated[float, ASK] = 0.8
    direction: Literal["maximize", "minimize"] = "maximize"


class VertexModelMonitoringOptions(Strict):
    """Prediction logging to BigQuery, alert policies, a dashboard and a drift-check run."""

    alert_email: Annotated[Email | None, ASK] = None
    latency_p99_ms: int = Field(1000, ge=1, description="Alert when p99 latency exceeds.")
    max_errors_per_5min: int = Field(5, ge=1, description="Alert when prediction errors exceed.")
    drift_schedule: Cron = "0 4 * * *"
    drift_threshold: float = Field(0.3, gt=0, description="Distance that counts as drift.")


class CloudBuildOptions(Strict):
    """Cloud Build triggers (test, train, deploy) on a 2nd-gen GitHub connection."""

    repository: Annotated[Repository, ASK]
    branch: Annotated[str, ASK] = Field("main", min_length=1, max_length=255)
    github_app_installation_id: int = Field(
        ...,
        ge=1,
        description="Installation of the Cloud Build GitHub App on the repository's owner "
        "(github.com/settings/installations/<id>).",
    )
    github_token_secret: str = Field(
        ...,
        pattern=r"^[A-Za-z0-9_-]{1,255}$",
        description="Secret Manager secret, in the stack's project, holding a GitHub token "
        "(scopes repo, read:user) that authorizes the connection.",
    )
    github_token_version: int = Field(
        1, ge=1, description="Version of github_token_secret that holds the token."
    )


GithubEnvironment = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9_.-]{1,255}$", description="A GitHub environment name.")
]


class GithubActionsOptions(Strict):
    """Workload Identity Federation for GitHub Actions: no service account keys."""

    repository: Annotated[Repository, ASK]
    branch: Annotated[str, ASK] = Field("main", min_length=1, max_length=255)
    train_environment: GithubEnvironment = Field(
        "training", description="GitHub environment whose jobs may train (push, start runs)."
    )
    deploy_environment: GithubEnvironment = Field(
        "production", description="GitHub environment whose jobs may deploy: give it reviewers."
    )
