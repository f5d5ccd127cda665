"""The deploy identity both Azure CI/CD tools use: a user-assigned identity that a CI/CD
system signs in as through a federated credential, with what a pipeline needs and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_azure_native as azure_native

from components.azure.common import grant

AUDIENCE = "api://AzureADTokenExchange"
"""The audience Entra ID expects in a federated token (the default of `azure/login`)."""


def deploy_identity(
    name: str,
    *,
    tags: Mapping[str, str],
    resource_group_name: pulumi.Input[str],
    resource_group_id: pulumi.Input[str],
    location: str,
    workspace_id: pulumi.Input[str],
    acr_id: pulumi.Input[str],
    ml_registry_id: pulumi.Input[str] | None,
    parent: pulumi.Resource,
) -> azure_native.managedidentity.UserAssignedIdentity:
    """A user-assigned identity for CI/CD (`name`) and its grants, each on one resource:

    - AzureML Data Scientist on the workspace: submit pipeline jobs, register models, create
      and update online endpoints and deployments (the role allows
      `Microsoft.MachineLearningServices/workspaces/*/write|action|read|delete` except on the
      workspace itself, its computes, hubs and feature stores, and listing keys);
    - AcrPush on the container registry: push the training and serving images;
    - AzureML Registry User on the ML registry, when there is one: read and register models and
      environments there;
    - Reader on the resource group: look up the deployments and resources it deploys to.
    """
    identity = azure_native.managedidentity.UserAssignedIdentity(
        name,
        resource_group_name=resource_group_name,
        location=location,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    principal = identity.principal_id
    grant(f"{name}-ml", role="AzureML Data Scientist", scope=workspace_id,
          principal_id=principal, parent=parent)  # fmt: skip
    grant(f"{name}-push", role="AcrPush", scope=acr_id, principal_id=principal, parent=parent)
    if ml_registry_id is not None:
        grant(f"{name}-registry", role="AzureML Registry User", scope=ml_registry_id,
              principal_id=principal, parent=parent)  # fmt: skip
    grant(f"{name}-read", role="Reader", scope=resource_group_id, principal_id=principal,
          parent=parent)  # fmt: skip
    return identity
