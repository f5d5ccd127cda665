"""The deploy identity both Azure CI/CD tools use: a user-assigned identity that a CI/CD
system signs in as through a federated credential, with what a pipeline needs and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.azure.common import grant

AUDIENCE = "api://AzureADTokenExchange"
"""The audience Entra ID expects in a federated token (the default of `azure/login`)."""


@dataclass(frozen=True, kw_only=True)
class DeployTargetsArgs:
    """The Args fields both CI/CD tools share: where the deploy identity lives and what it may
    deploy to. Each tool's Args add their own fields."""

    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    resource_group_id: pulumi.Input[str]
    """The blueprint's resource group: the widest scope the deploy identity gets (Reader)."""
    location: str
    tenant_id: pulumi.Input[str]
    subscription_id: pulumi.Input[str]
    workspace_id: pulumi.Input[str]
    """Azure ML workspace CI/CD submits pipeline jobs to and deploys endpoints in."""
    acr_id: pulumi.Input[str]
    """Container registry CI/CD pushes images to."""
    ml_registry_id: pulumi.Input[str] | None = None
    """Azure ML registry CI/CD registers models in; None: no grant on a registry."""
    workload_identity_id: pulumi.Input[str] | None = None
    """The platform's user-assigned identity that online endpoints and deployments run as:
    deploying them requires assigning it. None: no grant on an identity."""


def deploy_identity(
    name: str, args: DeployTargetsArgs, parent: pulumi.Resource
) -> azure_native.managedidentity.UserAssignedIdentity:
    """A user-assigned identity for CI/CD (`name`) and its grants, each on one resource:

    - AzureML Data Scientist on the workspace: submit pipeline jobs, register models, create
      and update online endpoints and deployments (the role allows
      `Microsoft.MachineLearningServices/workspaces/*/write|action|read|delete` except on the
      workspace itself, its computes, hubs and feature stores, and listing keys);
    - AcrPush on the container registry: push the training and serving images;
    - AzureML Registry User on the ML registry, when there is one: read and register models and
      environments there;
    - Managed Identity Operator on the platform's workload identity, when given: create or
      update an online endpoint or deployment that runs as that identity (ARM checks
      `Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action` on it);
    - Reader on the resource group: look up the deployments and resources it deploys to.
    """
    identity = azure_native.managedidentity.UserAssignedIdentity(
        name,
        resource_group_name=args.resource_group_name,
        location=args.location,
        tags=dict(args.tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    principal = identity.principal_id
    grant(f"{name}-ml", role="AzureML Data Scientist", scope=args.workspace_id,
          principal_id=principal, parent=parent)  # fmt: skip
    grant(f"{name}-push", role="AcrPush", scope=args.acr_id, principal_id=principal, parent=parent)
    if args.ml_registry_id is not None:
        grant(f"{name}-registry", role="AzureML Registry User", scope=args.ml_registry_id,
              principal_id=principal, parent=parent)  # fmt: skip
    if args.workload_identity_id is not None:
        grant(f"{name}-assign", role="Managed Identity Operator", scope=args.workload_identity_id,
              principal_id=principal, parent=parent)  # fmt: skip
    grant(f"{name}-read", role="Reader", scope=args.resource_group_id, principal_id=principal,
          parent=parent)  # fmt: skip
    return identity
