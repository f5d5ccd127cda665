"""CI/CD capability on Azure for GitHub Actions: federated train and deploy identities, no secrets.

Workflow jobs sign in with `azure/login` (`client-id`, `tenant-id`, `subscription-id` set to this
component's outputs; the workflow needs `permissions: id-token: write`): Entra ID exchanges the
job's GitHub OIDC token for a token of an identity that trusts exactly that issuer and subject.
No client secret or certificate exists anywhere.

Separation of duties (the workflow file comes from the repository, so it cannot be trusted to
keep it): two identities, each with its own subject.
- train (`train_client_id`): jobs of the repository running on `branch`
  (`repo:<owner>/<name>:ref:refs/heads/<branch>`). Pull requests and other branches get other
  subjects, so code under test gets no token; a job on `branch` that names an environment gets
  the environment's subject instead. Its role cannot create or change endpoints or deployments.
- deploy (`client_id`): only jobs that run in the GitHub environment `environment`
  (`repo:<owner>/<name>:environment:<environment>`). GitHub holds such a job until the
  environment's protection rules pass, whatever the workflow says; set them in the repository
  (required reviewers with "prevent self-review", deployment branches: `branch` only). This
  component cannot create them (no GitHub provider here): until they exist, any branch whose
  workflow names the environment gets the deploy token (README, Known limits).
The identities and their grants are in components/azure/shared/cicd_identity.py, shared with the
Azure DevOps tool.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.azure.github_actions.options import AzureGithubActionsOptions
from components.azure.shared.cicd_identity import (
    AUDIENCE,
    DeployTargetsArgs,
    deploy_identity,
    train_identity,
)

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


def github_subject(repository: str, branch: str) -> str:
    """The `sub` claim of a workflow run of `repository` (owner/name) on `branch`."""
    return f"repo:{repository}:ref:refs/heads/{branch}"


def github_environment_subject(repository: str, environment: str) -> str:
    """The `sub` claim of a job of `repository` (owner/name) that runs in `environment`."""
    return f"repo:{repository}:environment:{environment}"


@dataclass(frozen=True, kw_only=True)
class AzureGithubActionsCicdArgs(DeployTargetsArgs):
    options: AzureGithubActionsOptions
    """The tool's options, as the blueprint gave them (validated)."""


class AzureGithubActionsCicd(pulumi.ComponentResource):
    client_id: pulumi.Output[str]
    """`client-id` of the deploy job's `azure/login` step: the deploy identity's application id."""
    train_client_id: pulumi.Output[str]
    """`client-id` of the train job's `azure/login` step: the train identity's application id."""
    tenant_id: pulumi.Output[str]
    """`tenant-id` of the `azure/login` step."""
    subscription_id: pulumi.Output[str]
    """`subscription-id` of the `azure/login` step."""
    identity_id: pulumi.Output[str]
    """ARM id of the deploy identity."""
    identity_principal_id: pulumi.Output[str]
    """Object id of the deploy identity's service principal (what role assignments name)."""

    def __init__(
        self,
        name: str,
        args: AzureGithubActionsCicdArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AzureGithubActionsCicd", name, {}, opts)

        child = pulumi.ResourceOptions(parent=self)
        train = train_identity(f"{name}-train", args, parent=self)
        identity = deploy_identity(f"{name}-deploy", args, parent=self)
        # Any GitHub repository can mint a token from this issuer: only the blueprint's
        # repository, on its branch (train) or in its environment (deploy), matches a subject.
        azure_native.managedidentity.FederatedIdentityCredential(
            f"{name}-github-train",
            resource_group_name=args.resource_group_name,
            resource_name_=train.name,
            issuer=GITHUB_ISSUER,
            subject=github_subject(args.options.repository, args.options.branch),
            audiences=[AUDIENCE],
            opts=child,
        )
        azure_native.managedidentity.FederatedIdentityCredential(
            f"{name}-github-deploy",
            resource_group_name=args.resource_group_name,
            resource_name_=identity.name,
            issuer=GITHUB_ISSUER,
            subject=github_environment_subject(args.options.repository, args.options.environment),
            audiences=[AUDIENCE],
            opts=child,
        )

        self.client_id = identity.client_id
        self.train_client_id = train.client_id
        self.tenant_id = pulumi.Output.from_input(args.tenant_id)
        self.subscription_id = pulumi.Output.from_input(args.subscription_id)
        self.identity_id = identity.id
        self.identity_principal_id = identity.principal_id
        self.register_outputs(
            {
                "client_id": self.client_id,
                "train_client_id": self.train_client_id,
                "tenant_id": self.tenant_id,
                "subscription_id": self.subscription_id,
                "identity_id": self.identity_id,
                "identity_principal_id": self.identity_principal_id,
            }
        )
