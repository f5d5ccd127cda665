"""What both Azure CI/CD tools hand their component: where their identities live and what they
may train and deploy to (the component's `DeployTargetsArgs`); and what both give back: what
their pipelines sign in with (the `AzureCicd` fields)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypedDict

from opsblocks.contracts.azure import AzureModelRegistry, AzureWorkspace

if TYPE_CHECKING:
    import pulumi

    from opsblocks.wiring.azure import AzureSite

NEEDS = (AzureWorkspace, AzureModelRegistry)


class DeployTargets(TypedDict):
    resource_group_name: pulumi.Output[str]
    location: str
    resource_group_id: pulumi.Output[str]
    tenant_id: pulumi.Output[str]
    subscription_id: pulumi.Output[str]
    workspace_id: pulumi.Output[str]
    workspace_storage_id: pulumi.Output[str]
    acr_id: pulumi.Output[str]
    ml_registry_id: pulumi.Output[str]
    train_role_id: pulumi.Output[str]
    serving_identity_id: pulumi.Output[str]


def deploy_targets(site: AzureSite) -> DeployTargets:
    foundation = site.foundation
    training, registry = site.need(AzureWorkspace), site.need(AzureModelRegistry)
    return {
        **site.group,
        "resource_group_id": foundation.resource_group_id,
        "tenant_id": foundation.tenant_id,
        "subscription_id": foundation.subscription_id,
        "workspace_id": training.workspace_id,
        # Jobs and models uploaded from the agent go to the keyless workspace storage.
        "workspace_storage_id": training.storage_account_id,
        "acr_id": registry.acr_id,
        "ml_registry_id": registry.ml_registry_id,
        # The train stage works in the workspace with the role user code has: no serving.
        "train_role_id": training.no_serving_role_id,
        # The identity endpoints run as: deploying one assigns it.
        "serving_identity_id": foundation.serving_identity_id,
    }


class Identities(Protocol):
    """A CI/CD component: the client ids of its deploy and train identities."""

    client_id: pulumi.Output[str]
    train_client_id: pulumi.Output[str]


class SignIn(TypedDict):
    client_id: pulumi.Output[str]
    train_client_id: pulumi.Output[str]
    tenant_id: pulumi.Output[str]
    subscription_id: pulumi.Output[str]


def sign_in(site: AzureSite, cicd: Identities) -> SignIn:
    """The `AzureCicd` fields: the identities' client ids, and the tenant and subscription
    they sign in to."""
    return {
        "client_id": cicd.client_id,
        "train_client_id": cicd.train_client_id,
        "tenant_id": site.foundation.tenant_id,
        "subscription_id": site.foundation.subscription_id,
    }
