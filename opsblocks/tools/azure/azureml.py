"""azureml: an Azure ML workspace in its managed network, the lake's datastores, a cluster that
scales to zero and, optionally, a compute instance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.azureml.options import AzureMlOptions
from opsblocks.contracts.azure import AzureLake, AzureModelRegistry, AzureWorkspace
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite

TRAINING_DATA_URI = "azureml://datastores/curated/paths/training/"
"""The training data, an MLTable folder in the lake's `curated` container (registered as the
datastore of that name): the model monitor compares production traffic with it."""


def build(site: AzureSite, options: AzureMlOptions) -> AzureWorkspace:
    from components.azure.azureml.component import AzureMlTraining, AzureMlTrainingArgs

    foundation = site.foundation
    data, registry = site.need(AzureLake), site.need(AzureModelRegistry)
    # Three identities: the workspace's (control plane; storage reads the key with it), the
    # workload's, which runs user code (jobs, notebooks, drift jobs), and serving's (endpoints).
    training = AzureMlTraining(
        site.name,
        AzureMlTrainingArgs(
            tags=site.tags,
            **site.unique,
            **site.workspace_identity,
            **site.key,
            **site.private,
            workload_identity_id=foundation.workload_identity_id,
            workload_identity_principal_id=foundation.workload_identity_principal_id,
            serving_identity_id=foundation.serving_identity_id,
            serving_identity_principal_id=foundation.serving_identity_principal_id,
            workspace_name=site.physical(),
            resource_group_id=foundation.resource_group_id,
            storage_prefix=f"{site.compact}ml",
            key_vault_id=foundation.key_vault_id,
            app_insights_id=foundation.app_insights_id,
            log_workspace_id=foundation.log_workspace_id,
            acr_id=registry.acr_id,
            ml_registry_id=registry.ml_registry_id,
            # Where the ML registry keeps models and images: prod's managed network needs both.
            ml_registry_storage_id=registry.ml_registry_storage_id,
            ml_registry_acr_id=registry.ml_registry_acr_id,
            data_account_name=data.account_name,
            data_account_id=data.account_id,
            data_containers=data.containers,
            tenant_id=foundation.tenant_id,
            private=site.prod,
            protect=site.env.protect_data,
            options=options,
        ),
        site.opts,
    )
    return AzureWorkspace(
        pipeline=training.workspace_name,
        workspace_id=training.workspace_id,
        cluster_name=training.cluster_name,
        storage_account_id=training.storage_account_id,
        no_serving_role_id=training.no_serving_role_id,
        serving_identity_id=training.serving_identity_id,
        training_data_uri=TRAINING_DATA_URI,
        mlflow_tracking_uri=training.mlflow_tracking_uri,
    )


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.training,
    name="azureml",
    description="Azure ML workspace (managed network), datastores, cluster scaling to 0, "
    "compute instance",
    options=AzureMlOptions,
    component="components.azure.azureml.component:AzureMlTraining",
    build=build,
    gives=AzureWorkspace,
    needs=(AzureLake, AzureModelRegistry),
    names=(NameRule("Azure ML workspace", 33, "-staging", autonamed=False),),
    main_types=(
        "azure_native.machinelearningservices.Workspace",
        "azure_native.machinelearningservices.Compute",
        "azure_native.storage.StorageAccount",
        "azure_native.machinelearningservices.Datastore",
    ),
    coverage={
        "compute_instance": True,
        "compute_instance_user": "00000000-0000-0000-0000-0000000000ab",
    },
)
