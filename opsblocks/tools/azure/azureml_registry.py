"""azureml-registry: an Azure ML registry for models and environments, and a container registry
without an admin user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.azureml_registry.options import AzureMlRegistryOptions
from opsblocks.contracts.azure import AzureModelRegistry
from opsblocks.model import Capability, Cloud
from opsblocks.naming import UNIQUE, NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AzureMlRegistryOptions) -> AzureModelRegistry:
    from components.azure.azureml_registry.component import AzureMlRegistry, AzureMlRegistryArgs

    # The container registry keeps Microsoft-managed keys: it cannot reach a key in the
    # firewalled vault through a user-assigned identity (see the component).
    registry = AzureMlRegistry(
        site.name,
        AzureMlRegistryArgs(
            tags=site.tags,
            **site.unique,
            **site.private,
            identity_principal_id=site.foundation.workload_identity_principal_id,
            registry_prefix=site.prefix,
            acr_prefix=site.compact,
            private=site.prod,
            protect=site.env.protect_data,
            options=options,
        ),
        site.opts,
    )
    return AzureModelRegistry(
        artifact_uri=registry.registry_uri,
        image_repository=registry.acr_login_server,
        acr_id=registry.acr_id,
        ml_registry_id=registry.ml_registry_id,
        ml_registry_storage_id=registry.ml_registry_storage_id,
        ml_registry_acr_id=registry.ml_registry_acr_id,
    )


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.registry,
    name="azureml-registry",
    description="Azure ML registry (models, environments) and a container registry without "
    "admin user",
    options=AzureMlRegistryOptions,
    component="components.azure.azureml_registry.component:AzureMlRegistry",
    build=build,
    gives=AzureModelRegistry,
    names=(NameRule("Azure ML registry", 33, "-" + UNIQUE, autonamed=False),),
    main_types=(
        "azure_native.machinelearningservices.Registry",
        "azure_native.containerregistry.Registry",
    ),
)
