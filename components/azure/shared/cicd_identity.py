"""The two identities both Azure CI/CD tools sign in as, each through its own federated
credential: `train` for the stage that submits training pipelines and registers models,
`deploy` for the stage that creates endpoints and deployments, behind an approval.

Separation of duties: the train identity holds the training capability's no-serving custom
role (`no_serving_role`), AzureML Data Scientist without the right to create,
change or delete online, batch or serverless endpoints and their deployments, outbound rules,
private-endpoint approvals or schedules, so a training stage (which runs without approval)
cannot deploy around the deploy stage's approval nor switch off a guard. Only the deploy
identity can operate the identity endpoints run as. Neither holds anything beyond the
blueprint's resource group.

Both hold Storage Blob Data Contributor on the workspace's storage account: it refuses shared
keys, so what `az ml job create` or a model registration uploads from the runner (local code,
model files) is written with the caller's own Entra ID token. Microsoft, "Disable shared key
access for your workspace's storage account": users of the default datastores, and whoever
registers a model from local files, need Storage Blob Data Contributor on the storage account
(the workspace's blob container is named after the workspace's GUID, unknown before it
exists, so the account is the scope).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.azure.shared.common import grant
from components.azure.shared.no_serving_role import assign

AUDIENCE = "api://AzureADTokenExchange"
"""The audience Entra ID expects in a federated token (the default of `azure/login`)."""


@dataclass(frozen=True, kw_only=True)
class DeployTargetsArgs:
    """The Args fields both CI/CD tools share: where the CI/CD identities live and what they
    may train and deploy to. Each tool's Args add their own fields."""

    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    resource_group_id: pulumi.Input[str]
    """The blueprint's resource group: the widest scope a CI/CD identity gets (Reader)."""
    location: str
    tenant_id: pulumi.Input[str]
    subscription_id: pulumi.Input[str]
    workspace_id: pulumi.Input[str]
    """Azure ML workspace CI/CD submits pipeline jobs to and deploys endpoints in."""
    acr_id: pulumi.Input[str]
    """Container registry the train stage pushes images to."""
    workspace_storage_id: pulumi.Input[str]
    """The workspace's default storage account (no shared keys): both stages upload code and
    model files to it as themselves."""
    train_role_id: pulumi.Input[str]
    """The training capability's `no_serving_role_id`: the train identity's role on the
    workspace."""
    ml_registry_id: pulumi.Input[str]
    """Azure ML registry CI/CD registers and reads models in."""
    serving_identity_id: pulumi.Input[str] | None = None
    """The user-assigned identity online endpoints and deployments run as (the serving
    identity, as the CI/CD tools pass it): deploying them requires assigning it, so the
    deploy identity operates it. None: no grant on an identity."""


def train_identity(
    name: str, args: DeployTargetsArgs, parent: pulumi.Resource
) -> azure_native.managedidentity.UserAssignedIdentity:
    """The train stage's identity (`name`) and its grants, each on one resource:

    - the no-serving role (`train_role_id`) on the workspace: submit pipeline jobs, register
      models and environments, but never create or change an endpoint, a deployment, an
      outbound rule, a private-endpoint approval or a schedule;
    - AcrPush on the container registry: push the training and serving images;
    - Storage Blob Data Contributor on the workspace storage: upload job code;
    - AzureML Registry User on the ML registry: register models there;
    - Reader on the resource group.
    """
    identity = _identity(name, args, parent)
    principal = identity.principal_id
    assign(f"{name}-ml", role_id=args.train_role_id, scope=args.workspace_id,
           principal_id=principal, parent=parent)  # fmt: skip
    grant(f"{name}-push", role="AcrPush", scope=args.acr_id, principal_id=principal, parent=parent)
    _shared_grants(name, args, principal, parent)
    return identity


def deploy_identity(
    name: str, args: DeployTargetsArgs, parent: pulumi.Resource
) -> azure_native.managedidentity.UserAssignedIdentity:
    """The deploy stage's identity (`name`) and its grants, each on one resource:

    - AzureML Data Scientist on the workspace: create and update online endpoints and
      deployments (`workspaces/*/write|action|read|delete` except on the workspace itself, its
      computes, hubs and feature stores, and listing keys);
    - AzureML Registry User on the ML registry: read the models it deploys;
    - Managed Identity Operator on the identity endpoints run as, when given: create or update
      an endpoint or deployment that runs as it (ARM checks
      `Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action` on it);
    - Storage Blob Data Contributor on the workspace storage: upload the scoring
      code and model files a deployment names;
    - Reader on the resource group.
    It pushes no image: that is the train stage's.
    """
    identity = _identity(name, args, parent)
    principal = identity.principal_id
    grant(f"{name}-ml", role="AzureML Data Scientist", scope=args.workspace_id,
          principal_id=principal, parent=parent)  # fmt: skip
    if args.serving_identity_id is not None:
        grant(f"{name}-assign", role="Managed Identity Operator", scope=args.serving_identity_id,
              principal_id=principal, parent=parent)  # fmt: skip
    _shared_grants(name, args, principal, parent)
    return identity


def _identity(
    name: str, args: DeployTargetsArgs, parent: pulumi.Resource
) -> azure_native.managedidentity.UserAssignedIdentity:
    return azure_native.managedidentity.UserAssignedIdentity(
        name,
        resource_group_name=args.resource_group_name,
        location=args.location,
        tags=dict(args.tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def _shared_grants(
    name: str, args: DeployTargetsArgs, principal: pulumi.Input[str], parent: pulumi.Resource
) -> None:
    grant(f"{name}-storage", role="Storage Blob Data Contributor",
          scope=args.workspace_storage_id, principal_id=principal, parent=parent)  # fmt: skip
    grant(f"{name}-registry", role="AzureML Registry User", scope=args.ml_registry_id,
          principal_id=principal, parent=parent)  # fmt: skip
    grant(f"{name}-read", role="Reader", scope=args.resource_group_id, principal_id=principal,
          parent=parent)  # fmt: skip
