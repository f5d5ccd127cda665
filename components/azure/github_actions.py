"""CI/CD capability on Azure for GitHub Actions: a federated deploy identity, no secrets.

Workflows of the blueprint's repository, running on its branch, sign in with `azure/login`
(`client-id`, `tenant-id`, `subscription-id` set to this component's outputs; the workflow needs
`permissions: id-token: write`): Entra ID exchanges the workflow's GitHub OIDC token for a token
of the deploy identity, because the identity trusts exactly that issuer and subject. No client
secret or certificate exists anywhere.

The deploy identity is not the platform's workload identity: CI/CD gets its own, with the grants
a pipeline needs and nothing else, each on one resource of the blueprint (see `deploy_identity`),
including Managed Identity Operator on the platform's workload identity when given, so that the
deploy stage can create endpoints and deployments that run as it.
The same identity shape serves the Azure DevOps tool (components/azure/azure_devops.py);
both take it from components/azure/cicd_identity.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.azure.cicd_identity import AUDIENCE, DeployTargetsArgs, deploy_identity

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


def github_subject(repository: str, branch: str) -> str:
    """The `sub` claim of a workflow run of `repository` (owner/name) on `branch`."""
    return f"repo:{repository}:ref:refs/heads/{branch}"


@dataclass(frozen=True, kw_only=True)
class AzureGithubActionsCicdArgs(DeployTargetsArgs):
    repository: str
    """GitHub repository as owner/name."""
    branch: str = "main"
    """Only workflow runs on this branch get a token."""


class AzureGithubActionsCicd(pulumi.ComponentResource):
    client_id: pulumi.Output[str]
    """`client-id` of the `azure/login` step: the deploy identity's application id."""
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

        identity = deploy_identity(f"{name}-deploy", args, parent=self)
        # Any GitHub repository can mint a token from this issuer: only the blueprint's
        # repository, on its branch, matches the subject.
        azure_native.managedidentity.FederatedIdentityCredential(
            f"{name}-github",
            resource_group_name=args.resource_group_name,
            resource_name_=identity.name,
            issuer=GITHUB_ISSUER,
            subject=github_subject(args.repository, args.branch),
            audiences=[AUDIENCE],
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.client_id = identity.client_id
        self.tenant_id = pulumi.Output.from_input(args.tenant_id)
        self.subscription_id = pulumi.Output.from_input(args.subscription_id)
        self.identity_id = identity.id
        self.identity_principal_id = identity.principal_id
        self.register_outputs(
            {
                "client_id": self.client_id,
                "tenant_id": self.tenant_id,
                "subscription_id": self.subscription_id,
                "identity_id": self.identity_id,
                "identity_principal_id": self.identity_principal_id,
            }
        )
