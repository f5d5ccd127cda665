"""Training capability on Azure: an Azure ML workspace, its default storage, a compute cluster
that scales to zero and, optionally, a compute instance for notebooks.

Separate identities, so user code never runs with the control plane's roles. The workspace
runs as the foundation's workspace identity (`identity_*`) and reaches its storage with it
(`system_datastores_auth_mode`), so the storage account refuses shared keys. It gets, each on
one resource, the roles Microsoft requires for a workspace with a user-assigned identity ("Set
up authentication between Azure Machine Learning and other services", `workspace`),
and runs nothing. Online endpoints run as the serving identity (`serving_identity_*`), which
gets its roles here (`serving_access`: pull images, read models, write the data collector's
production data and metrics) and is exposed, once it holds them, as
`serving_identity_id`. The cluster and the compute instance run as the workload identity
(`workload_identity_*`): it reads and writes the workspace storage (job outputs, notebook
files) and works in the workspace with the no-serving role (`no_serving_role`: AzureML Data
Scientist without the rights to serve a model, write the managed network's outbound rules,
approve private endpoints or change schedules), which this component defines once for the
blueprint and exposes for the CI/CD train identity; it holds no Contributor, vault or approver
role (`compute`). Compute lives in the
workspace's managed network, which this component alone writes (`network`): only
approved outbound traffic in prod, with private-endpoint rules to the data lake and the ML
registry written in the workspace; internet outbound otherwise; the network provisioned as
the workspace is created, in both; never a public IP or SSH port. The lake's containers become
identity-based datastores. Job and run events go to the platform's Log Analytics workspace,
where the quality gate alerts on failed runs.

Images: a private registry cannot build with ACR Tasks, so the workspace builds environment
images on the training cluster (`image_build_compute`), which reaches the registry through the
managed network and Microsoft's base images through its required rules. In prod the managed
network has no FQDN rule (each one brings a billed Azure Firewall), so a build that downloads
packages (pip, conda) fails there: prod images are built elsewhere (CI/CD) and pushed to the
registry, and environments name them; dev builds on the cluster with internet outbound.

With `customer_managed_key` the workspace's storage is encrypted with the platform key. The
workspace's own metadata stays on Microsoft-managed keys. Classic workspace encryption makes
Azure create a Cosmos DB account, an AI Search service and a storage account in a managed
resource group (billed). Service-side encryption (`enable_service_side_cmk_encryption`) avoids
them, but Microsoft documents it as not supported with a key vault whose public network access
is disabled, the prod vault, nor (in preview) with a user-assigned identity or key rotation;
and encryption can only be chosen when a workspace is created, so adding it later replaces it.
"""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native

from components.azure.azureml.args import AzureMlTrainingArgs
from components.azure.azureml.compute import instance_owner, workspace_compute
from components.azure.azureml.network import check_data, datastores, network_grants
from components.azure.azureml.storage import workspace_storage
from components.azure.azureml.workspace import serving_access, workspace_grants
from components.azure.azureml.workspace import workspace as training_workspace
from components.azure.shared import common
from components.azure.shared.no_serving_role import no_serving_role

LOG_CATEGORIES = ("AmlComputeClusterEvent", "AmlComputeJobEvent", "AmlComputeCpuGpuUtilization",
                  "AmlRunStatusChangedEvent", "ComputeInstanceEvent", "ModelsChangeEvent",
                  "ModelsActionEvent")  # fmt: skip


class AzureMlTraining(pulumi.ComponentResource):
    workspace_name: pulumi.Output[str]
    """The workspace's name; resolves once the workspace exists."""
    workspace_id: pulumi.Output[str]
    """ARM id of the workspace."""
    cluster_name: pulumi.Output[str]
    """Compute name of the training cluster, for job definitions."""
    compute_instance_name: pulumi.Output[str] | None
    """Compute name of the notebook instance; None without one."""
    storage_account_id: pulumi.Output[str]
    """ARM id of the workspace's default storage account."""
    datastore_names: list[str]
    """Datastores registered for the lake's containers (`data_containers`), or none."""
    serving_identity_id: pulumi.Output[str]
    """`serving_identity_id`, known once it holds its roles: what online endpoints run as."""
    no_serving_role_id: pulumi.Output[str]
    """The custom role user code works in the workspace with (`no_serving_role`), for the
    CI/CD train identity."""
    mlflow_tracking_uri: pulumi.Output[str]
    """The workspace's MLflow tracking URI (`azureml://<region>.api.azureml.ms/mlflow/...`), as
    Azure reports it: MLflow clients log runs and register models in the workspace with it."""

    def __init__(
        self, name: str, args: AzureMlTrainingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if args.customer_managed_key and (args.key_vault_uri is None or args.key_name is None):
            raise ValueError("customer_managed_key needs key_vault_uri and key_name")
        instance_owner(args)  # refuses a compute instance without its user
        check_data(args)
        super().__init__("opsblocks:index:AzureMlTraining", name, {}, opts)
        storage, storage_grants = workspace_storage(name, args, parent=self)
        grants = (storage_grants + workspace_grants(name, args, parent=self)
                  + network_grants(name, args, parent=self))  # fmt: skip
        workspace = training_workspace(name, args, storage=storage, grants=grants, parent=self)
        if args.subnet_id is not None:
            common.private_endpoint(
                f"{name}-workspace-pe", target_id=workspace.id, group_id="amlworkspace",
                resource_group_name=args.resource_group_name, location=args.location,
                subnet_id=args.subnet_id, dns_zone_ids=args.dns_zone_ids, tags=args.tags,
                parent=self,
            )  # fmt: skip
        monitor = azure_native.monitor
        monitor.DiagnosticSetting(
            f"{name}-diagnostics",
            name="opsblocks",
            resource_uri=workspace.id,
            workspace_id=args.log_workspace_id,
            # Resource-specific tables (AmlRunStatusChangedEvent, ...) rather than AzureDiagnostics.
            log_analytics_destination_type="Dedicated",
            logs=[monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True)
                  for c in LOG_CATEGORIES],
            metrics=[monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)],
            opts=pulumi.ResourceOptions(parent=self),
        )  # fmt: skip
        role = no_serving_role(
            f"{name}-no-serving-role", resource_group_id=args.resource_group_id, parent=self
        )
        cluster, instance = workspace_compute(
            name, args, workspace_name=workspace.name, workspace_id=workspace.id,
            storage_id=storage.id, role_id=role.id, parent=self,
        )  # fmt: skip
        stores = datastores(name, args, workspace_name=workspace.name, parent=self)
        serving = serving_access(
            name, args, workspace_id=workspace.id, storage_id=storage.id, parent=self
        )

        self.workspace_name = workspace.name
        self.workspace_id = workspace.id
        self.cluster_name = cluster.name
        self.compute_instance_name = instance.name if instance is not None else None
        self.storage_account_id = storage.id
        self.datastore_names = stores
        self.serving_identity_id = serving
        self.no_serving_role_id = role.id
        self.mlflow_tracking_uri = workspace.ml_flow_tracking_uri
        self.register_outputs(
            {
                "workspace_name": self.workspace_name,
                "workspace_id": self.workspace_id,
                "cluster_name": self.cluster_name,
                "compute_instance_name": self.compute_instance_name,
                "storage_account_id": self.storage_account_id,
                "datastore_names": self.datastore_names,
                "serving_identity_id": self.serving_identity_id,
                "no_serving_role_id": self.no_serving_role_id,
                "mlflow_tracking_uri": self.mlflow_tracking_uri,
            }
        )
