"""Options of the Azure tools. Each model is what `capabilities.<capability>.options` accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from opsblocks.model import Environment, Strict
from opsblocks.options import ASK, Email

VmSize = Annotated[
    str,
    Field(
        pattern=r"^Standard_[A-Za-z0-9_]+$",
        description="Azure VM size, e.g. Standard_DS3_v2.",
    ),
]
# Azure ML schedules take five-field cron expressions.
Cron = Annotated[str, Field(pattern=r"^(\S+\s+){4}\S+$", description="cron, e.g. 0 3 * * 1")]
Repository = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="GitHub repository: owner/name"
    ),
]
Branch = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\s~^:?*\[\\]+$")]
# An Azure ML model asset: azureml://registries/<r>/models/<m>/versions/<v>, or azureml:<m>:<v>.
ModelAsset = Annotated[
    str,
    Field(
        pattern=r"^azureml:(//registries/[\w.-]+/models/[\w.-]+/versions/[\w.-]+|[\w.-]+:[\w.-]+)$",
        description="Model to deploy: azureml://registries/<r>/models/<m>/versions/<v>.",
    ),
]


class AdlsOptions(Strict):
    """Data lake on ADLS Gen2 (raw, curated) and the Azure ML datastores that point at it."""

    cool_after_days: int = Field(
        30, ge=1, description="Move blobs to the Cool tier after this many days unmodified."
    )
    soft_delete_days: int = Field(
        30, ge=1, le=365, description="Keep deleted blobs and containers this many days."
    )
    redundancy: Literal["LRS", "ZRS", "GRS", "GZRS"] | None = Field(
        None, description="Storage redundancy; default: ZRS in prod, LRS otherwise."
    )


class AzureMlRegistryOptions(Strict):
    """Azure ML registry for models and environments, and a container registry."""

    acr_sku: Literal["Basic", "Standard", "Premium"] | None = Field(
        None,
        description="Container registry tier; default: Premium in prod (private, retention, "
        "customer-managed key), Basic otherwise.",
    )
    untagged_retention_days: int = Field(
        30, ge=0, le=365, description="Premium only: untagged manifests kept this many days."
    )


class AzureMlOptions(Strict):
    """Azure ML workspace with a compute cluster, and optionally a compute instance."""

    vm_size: Annotated[VmSize, ASK] = "Standard_DS3_v2"
    max_nodes: Annotated[int, ASK] = Field(2, ge=1, le=100, description="Cluster size at most.")
    idle_seconds_before_scale_down: int = Field(
        120, ge=60, le=86400, description="Idle time after which cluster nodes are released."
    )
    low_priority: bool = Field(False, description="Low-priority (evictable, cheaper) nodes.")
    compute_instance: bool = Field(
        False, description="A compute instance for notebooks (needs compute_instance_user)."
    )
    compute_instance_user: str | None = Field(
        None,
        pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$",
        description="Object id of the Entra ID user the compute instance belongs to.",
    )
    compute_instance_vm_size: VmSize = "Standard_DS3_v2"
    idle_minutes_before_shutdown: int = Field(
        60, ge=15, le=20160, description="The compute instance shuts down after this idle time."
    )

    @model_validator(mode="after")
    def _instance_has_a_user(self) -> AzureMlOptions:
        if self.compute_instance and self.compute_instance_user is None:
            raise ValueError(
                "compute_instance needs compute_instance_user: a compute instance belongs to "
                "one user (their Entra ID object id: az ad signed-in-user show --query id)"
            )
        return self


class AzureMlOnlineEndpointOptions(Strict):
    """Managed online endpoint; a model given here is deployed, otherwise CI/CD deploys."""

    instance_type: Annotated[VmSize, ASK] = "Standard_DS3_v2"
    min_instances: Annotated[int, ASK] = Field(1, ge=1, le=20)
    max_instances: Annotated[int, ASK] = Field(2, ge=1, le=20)
    model: ModelAsset | None = None
    private: bool | None = Field(
        None, description="Private endpoint access only; default: private in prod."
    )

    @model_validator(mode="after")
    def _max_not_below_min(self) -> AzureMlOnlineEndpointOptions:
        if self.max_instances < self.min_instances:
            raise ValueError(
                f"max_instances ({self.max_instances}) is below min_instances "
                f"({self.min_instances})"
            )
        return self


class AzureMlQualityGateOptions(Strict):
    """Metric threshold compiled into an evaluation pipeline that fails below it."""

    metric: Annotated[str, ASK] = Field("auc", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    threshold: Annotated[float, ASK] = 0.8
    direction: Literal["maximize", "minimize"] = "maximize"
    schedule: Cron = Field("0 5 * * *", description="When the gate evaluates the latest model.")


class AzureMlModelMonitorOptions(Strict):
    """Model monitor (data and prediction drift), metric alerts and an e-mail action group."""

    alert_email: Annotated[Email | None, ASK] = None
    latency_p99_ms: int = Field(1000, ge=1, description="Alert when request latency exceeds.")
    max_errors_per_5min: int = Field(5, ge=1, description="Alert when failed requests exceed.")
    schedule: Cron = Field("0 4 * * *", description="When the drift signals are computed.")
    drift_threshold: float = Field(
        0.1, gt=0, description="Jensen-Shannon distance that counts as drift."
    )
    task: Literal["classification", "regression"] = "classification"


class AzureDevopsOptions(Strict):
    """Azure DevOps project, Azure Repos repository and a pipeline, federated with Azure."""

    branch: Annotated[Branch, ASK] = "main"
    pipeline_file: str = Field(
        "azure-pipelines.yml",
        pattern=r"^[\w./-]+\.ya?ml$",
        description="The pipeline definition in the repository.",
    )
    agents: Literal["microsoft-hosted", "vnet"] | None = Field(
        None,
        description="Where pipeline jobs run: vnet (a subnet of the private VNet delegated to "
        "Managed DevOps Pools, the only path to a private platform) or microsoft-hosted; "
        "default: vnet in prod, microsoft-hosted otherwise.",
    )
    devops_infrastructure_principal_id: str | None = Field(
        None,
        pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$",
        description="Object id of the tenant's DevOpsInfrastructure service principal (az ad sp "
        "list --display-name DevOpsInfrastructure --query [].id): Reader and Network "
        "Contributor on the VNet for the pool; without it, grant them by hand.",
    )

    def environment_problem(self, environment: Environment) -> tuple[str, str] | None:
        # Only prod has the private VNet, and in prod nothing is reachable from the internet.
        private = environment is Environment.prod
        if self.agents == "microsoft-hosted" and private:
            return "agents", (
                "Microsoft-hosted agents cannot reach a private platform (prod: workspace, "
                "registries and storage have no public access); use 'vnet' (Managed DevOps Pools)"
            )
        if self.agents == "vnet" and not private:
            return "agents", "'vnet' needs the private network, which only prod has"
        return None


class GithubActionsOptions(Strict):
    """Federated train and deploy identities for GitHub Actions: no secrets."""

    repository: Annotated[Repository, ASK]
    branch: Annotated[Branch, ASK] = Field(
        "main", description="Only workflow runs on this branch get the train identity's token."
    )
    environment: str = Field(
        "production",
        pattern=r"^[A-Za-z0-9_.-]{1,255}$",
        description="Only jobs in this GitHub environment get the deploy identity's token; "
        "give it required reviewers and deployment branches in the repository.",
    )
