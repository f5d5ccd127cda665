"""What Azure tools give each other (see `opsblocks.contracts`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opsblocks.contracts import (
    Cicd,
    Contract,
    Data,
    ImageRegistry,
    KubernetesHost,
    MlflowTracking,
    Monitoring,
    Serving,
    Training,
    Validation,
)

if TYPE_CHECKING:
    from opsblocks.contracts import In, Out, StackOutputs


@dataclass(frozen=True, kw_only=True)
class AzureFoundation(Contract):
    """The resource group, the three identities, the vault and its key, the logs and, in prod,
    the private network every tool shares."""

    resource_group_name: Out
    resource_group_id: Out
    unique_suffix: Out
    """Six characters derived from the resource group id: globally unique names end in it."""
    tenant_id: Out
    subscription_id: Out
    identity_id: Out
    """The workspace identity (control plane; storage reads the key with it)."""
    identity_principal_id: Out
    workload_identity_id: Out
    """The workload identity, which runs user code (jobs, notebooks, drift jobs)."""
    workload_identity_principal_id: Out
    workload_identity_client_id: Out
    serving_identity_id: Out
    """The serving identity, which online endpoints run as."""
    serving_identity_principal_id: Out
    key_vault_id: Out
    key_vault_uri: Out
    key_name: Out
    log_workspace_id: Out
    app_insights_id: Out
    subnet_id: Out | None
    """The private-endpoint subnet (prod); None without the private network."""
    dns_zone_ids: Mapping[str, Out]
    vnet_id: Out | None
    """The private VNet (prod), known once its private-endpoint subnet exists: a subnet added
    to it comes after (one subnet operation at a time on a VNet). None without it."""
    vnet_cidr: str

    def outputs(self) -> StackOutputs:
        return {"resource_group": self.resource_group_name, "key_vault_uri": self.key_vault_uri,
                "workload_identity_client_id": self.workload_identity_client_id}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AzureLake(Data):
    """An ADLS Gen2 account and the containers training registers as datastores."""

    account_name: Out
    account_id: Out
    containers: tuple[str, ...]

    def outputs(self) -> StackOutputs:
        return {"data_uri": self.data_uri, "data_account": self.account_name}


@dataclass(frozen=True, kw_only=True)
class AzureModelRegistry(ImageRegistry):
    """An Azure ML registry (`artifact_uri`) and a container registry (`image_repository` is
    its login server), with the storage and registry Azure created for the ML registry."""

    acr_id: Out
    ml_registry_id: Out
    ml_registry_storage_id: Out
    ml_registry_acr_id: Out

    def outputs(self) -> StackOutputs:
        return {"model_registry": self.artifact_uri,
                "image_repository_url": self.image_repository}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AzureWorkspace(Training):
    """An Azure ML workspace (`pipeline` is its name: pipeline jobs are submitted to it) and
    its training cluster."""

    workspace_id: Out
    cluster_name: Out
    storage_account_id: Out
    """The workspace's default storage (no shared keys)."""
    no_serving_role_id: Out
    """The role user code works in the workspace with: what the CI/CD train identity gets."""
    serving_identity_id: Out
    """The serving identity, known once it may pull images, read models and write metrics."""
    training_data_uri: str
    """The training data (an MLTable folder) in the workspace's datastores."""
    mlflow_tracking_uri: Out
    """The workspace's MLflow tracking URI: the workspace is an MLflow tracking server and
    model registry (clients need the azureml-mlflow plugin and an Entra identity)."""

    @property
    def workspace_name(self) -> Out:
        return self.pipeline

    def outputs(self) -> StackOutputs:
        return {"workspace": self.pipeline, "compute_cluster": self.cluster_name,
                "mlflow_tracking_uri": self.mlflow_tracking_uri}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AzureEndpoint(Serving):
    """A managed online endpoint (`endpoint` is its name) and its "blue" deployment."""

    endpoint_id: Out
    scoring_uri: Out
    deployment_name: str
    deployment_id: Out | None
    """None: the CI/CD deploy stage creates the deployment."""

    def outputs(self) -> StackOutputs:
        return {"endpoint": self.endpoint, "scoring_uri": self.scoring_uri}


@dataclass(frozen=True, kw_only=True)
class AzureGate(Validation):
    """The scheduled evaluation pipeline that holds new models to the threshold."""

    schedule_name: Out

    def outputs(self) -> StackOutputs:
        return {"quality_gate_schedule": self.schedule_name}


@dataclass(frozen=True, kw_only=True)
class AzureModelMonitor(Monitoring):
    """The model monitor schedule and the action group alerts go to."""

    monitor_schedule_name: Out
    action_group_id: Out | None
    """Where alerts go (None without an e-mail address): the quality gate notifies it too."""

    def outputs(self) -> StackOutputs:
        return {"monitor_schedule": self.monitor_schedule_name}


@dataclass(frozen=True, kw_only=True)
class AzureCicd(Cicd):
    """Two federated identities: train (no serving rights) and deploy (behind an approval)."""

    client_id: Out
    train_client_id: Out
    tenant_id: Out
    subscription_id: Out

    def outputs(self) -> StackOutputs:
        return {"cicd_client_id": self.client_id, "cicd_train_client_id": self.train_client_id,
                "tenant_id": self.tenant_id, "subscription_id": self.subscription_id}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AzureDevopsProject(AzureCicd):
    """An Azure DevOps project: its repository, service connections and approvers."""

    agent_subnet_id: Out | None
    repository_url: Out
    service_connection: Out
    train_service_connection: Out
    approvers_group: Out

    def outputs(self) -> StackOutputs:
        found = super().outputs()
        if self.agent_subnet_id is not None:
            found["cicd_agent_subnet_id"] = self.agent_subnet_id
        return found | {"cicd_repository_url": self.repository_url,
                        "cicd_service_connection": self.service_connection,
                        "cicd_train_service_connection": self.train_service_connection,
                        "cicd_approvers_group": self.approvers_group}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AzureKubernetes(KubernetesHost):
    """An AKS cluster, created or existing, with Workload Identity: a managed identity with a
    federated credential for the cluster's `oidc_issuer_url` and a pod's service account."""

    oidc_issuer_url: In
    vnet_id: In
    """The virtual network the nodes run in: private DNS zones of the tools' services link to it."""
    subnet_id: In
    """A subnet the pods reach, where tools put the private endpoints of their services."""


@dataclass(frozen=True, kw_only=True)
class AzureMlflowTracking(MlflowTracking):
    """An MLflow server on AKS; its basic-auth admin's password is kept in the foundation's Key
    Vault, at `admin_password_secret_uri` (clients log in with it, or with users it creates)."""

    admin_password_secret_uri: Out

    def outputs(self) -> StackOutputs:
        return super().outputs() | {"mlflow_admin_password_secret": self.admin_password_secret_uri}
