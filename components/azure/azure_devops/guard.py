"""What keeps repository code of an Azure DevOps project from deploying on its own: federated
service connections, branch control and approvals on them, and a reviewed branch. Checks live
on the protected resource, not in the pipeline YAML, so a change to the YAML cannot skip them
("Define approvals and checks", Azure Pipelines documentation)."""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native
import pulumi_azuredevops as azuredevops

from components.azure.shared.cicd_identity import AUDIENCE, DeployTargetsArgs

WORKLOAD_IDENTITY_FEDERATION = "WorkloadIdentityFederation"
APPROVAL_TIMEOUT_MINUTES = 3 * 24 * 60
"""A deployment nobody approves fails after three days (the check's default is 30)."""


def federated_connection(
    name: str,
    connection_name: str,
    identity: azure_native.managedidentity.UserAssignedIdentity,
    project_id: pulumi.Input[str],
    args: DeployTargetsArgs,
    parent: pulumi.Resource,
) -> azuredevops.ServiceEndpointAzureRM:
    """An Azure Resource Manager service connection that signs in as `identity`, which trusts
    only the tokens Azure DevOps issues for this connection (issuer and subject)."""
    child = pulumi.ResourceOptions(parent=parent)
    role = connection_name.rsplit("-", 1)[-1]
    connection = azuredevops.ServiceEndpointAzureRM(
        name,
        project_id=project_id,
        service_endpoint_name=connection_name,
        description=f"opsblocks: {role} identity, workload identity federation",
        service_endpoint_authentication_scheme=WORKLOAD_IDENTITY_FEDERATION,
        # The client id only: with workload identity federation there is no secret.
        credentials=azuredevops.ServiceEndpointAzureRMCredentialsArgs(
            serviceprincipalid=identity.client_id
        ),
        azurerm_spn_tenantid=args.tenant_id,
        azurerm_subscription_id=args.subscription_id,
        azurerm_subscription_name=args.subscription_id,
        opts=child,
    )
    azure_native.managedidentity.FederatedIdentityCredential(
        f"{name}-federated",
        resource_group_name=args.resource_group_name,
        resource_name_=identity.name,
        issuer=connection.workload_identity_federation_issuer,
        subject=connection.workload_identity_federation_subject,
        audiences=[AUDIENCE],
        opts=child,
    )
    return connection


def branch_only(
    name: str,
    project_id: pulumi.Input[str],
    connection_id: pulumi.Input[str],
    branch: str,
    parent: pulumi.Resource,
) -> azuredevops.CheckBranchControl:
    """Only runs of `branch`, verified protected, may use the connection: code under test on
    another branch or in a pull request never holds it."""
    return azuredevops.CheckBranchControl(
        name,
        project_id=project_id,
        display_name=f"only the protected {branch} branch",
        target_resource_type="endpoint",
        target_resource_id=connection_id,
        allowed_branches=f"refs/heads/{branch}",
        verify_branch_protection=True,
        ignore_unknown_protection_status=False,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def approval(
    name: str,
    project_id: pulumi.Input[str],
    connection_id: pulumi.Input[str],
    project_name: str,
    parent: pulumi.Resource,
) -> azuredevops.Group:
    """A manual approval on the connection by a project group (created empty: a project
    administrator adds its members), the requester never approving. Returns the group."""
    child = pulumi.ResourceOptions(parent=parent)
    approvers = azuredevops.Group(
        f"{name}-group",
        scope=project_id,
        display_name=f"{project_name}-deploy-approvers",
        description="opsblocks: approve deployments of the ML platform",
        opts=child,
    )
    azuredevops.CheckApproval(
        name,
        project_id=project_id,
        target_resource_type="endpoint",
        target_resource_id=connection_id,
        approvers=[approvers.origin_id],
        requester_can_approve=False,
        instructions="Approve the deployment of the model this run trained and evaluated.",
        timeout=APPROVAL_TIMEOUT_MINUTES,
        opts=child,
    )
    return approvers


def reviewed_branch(
    name: str,
    project_id: pulumi.Input[str],
    repository_id: pulumi.Input[str],
    branch: str,
    parent: pulumi.Resource,
) -> azuredevops.BranchPolicyMinReviewers:
    """`branch` takes changes through pull requests only, approved by one reviewer other than
    their author and last pusher, votes reset on each push. This also makes the branch
    protected, which branch control verifies."""
    return azuredevops.BranchPolicyMinReviewers(
        name,
        project_id=project_id,
        blocking=True,
        enabled=True,
        settings=azuredevops.BranchPolicyMinReviewersSettingsArgs(
            reviewer_count=1,
            submitter_can_vote=False,
            last_pusher_cannot_approve=True,
            allow_completion_with_rejects_or_waits=False,
            on_push_reset_approved_votes=True,
            scopes=[
                azuredevops.BranchPolicyMinReviewersSettingsScopeArgs(
                    repository_id=repository_id,
                    repository_ref=f"refs/heads/{branch}",
                    match_type="Exact",
                )
            ],
        ),
        opts=pulumi.ResourceOptions(parent=parent),
    )
