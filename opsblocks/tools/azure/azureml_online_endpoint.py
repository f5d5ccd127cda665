"""azureml-online-endpoint: a managed online endpoint in the training workspace, with Entra ID
token auth, data collection and auto-scaling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.azureml_online_endpoint.options import AzureMlOnlineEndpointOptions
from opsblocks.contracts.azure import AzureEndpoint, AzureModelRegistry, AzureWorkspace
from opsblocks.model import Capability, Cloud
from opsblocks.naming import UNIQUE, NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AzureMlOnlineEndpointOptions) -> AzureEndpoint:
    from components.azure.azureml_online_endpoint.component import (
        AzureMlOnlineEndpointServing,
        AzureMlOnlineEndpointServingArgs,
    )

    # An online endpoint lives in the training workspace.
    training = site.need(AzureWorkspace)
    serving = AzureMlOnlineEndpointServing(
        site.name,
        AzureMlOnlineEndpointServingArgs(
            tags=site.tags,
            **site.unique,
            endpoint_prefix=site.prefix,
            workspace_name=training.workspace_name,
            # Its own identity, known once it may pull images, read models and write metrics.
            identity_id=training.serving_identity_id,
            private_default=site.prod,
            options=options,
        ),
        site.opts,
    )
    return AzureEndpoint(
        endpoint=serving.endpoint_name,
        endpoint_id=serving.endpoint_id,
        scoring_uri=serving.scoring_uri,
        deployment_name=serving.deployment_name,
        deployment_id=serving.deployment_id,
    )


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.serving,
    name="azureml-online-endpoint",
    description="Managed online endpoint with Entra ID token auth, data collection, auto-scaling",
    options=AzureMlOnlineEndpointOptions,
    component="components.azure.azureml_online_endpoint.component:AzureMlOnlineEndpointServing",
    build=build,
    gives=AzureEndpoint,
    needs=(AzureModelRegistry, AzureWorkspace),
    names=(NameRule("Azure ML online endpoint", 32, "-" + UNIQUE, autonamed=False),),
    main_types=(
        "azure_native.machinelearningservices.OnlineEndpoint",
        "azure_native.machinelearningservices.OnlineDeployment",
    ),
    coverage={"model": "azureml://registries/r/models/fraud/versions/1"},
)
