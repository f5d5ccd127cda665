"""CI/CD capability on Azure with Azure DevOps: project, repository, pipeline; no secrets.

Provisions a private Azure DevOps project (Git, Agile; only Repos and Pipelines turned on), an
Azure Repos repository in it, and a YAML pipeline that runs `pipeline_file` of the repository on
pushes to `branch`. The pipeline reaches Azure through an Azure Resource Manager service
connection with workload identity federation: the connection names the client id of a dedicated
deploy identity, and the identity trusts the issuer and subject Azure DevOps gives that connection.
No client secret or certificate exists anywhere. Only this pipeline is authorized to use the
connection (not every pipeline of the project), and its job tokens are scoped to the project.

The deploy identity and its grants are those of the GitHub Actions tool (`deploy_identity`): the
workspace (AzureML Data Scientist), the container registry (AcrPush), the ML registry when given
(AzureML Registry User), the platform's workload identity when given (Managed Identity Operator:
endpoints and deployments run as it), the resource group (Reader); never the subscription.

Scope of the connection: Azure DevOps records a resource-group scope only for connections it
creates itself (the provider's `resource_group` conflicts with `credentials`), so this
manually created connection is subscription-level in Azure DevOps. What it can do is decided by
the identity's role assignments above, which stop at the resource group. The subscription name
is a display label there; the subscription id stands in for it.

The Azure DevOps provider reads its organization URL and token from the stack config
(`azuredevops:orgServiceUrl`, `azuredevops:personalAccessToken`) or `AZDO_*` variables.
A project created with Git gets a default repository named like the project; the platform's
repository is a separate one, `<project_name>-ml`, initialized with a first commit on `branch`.
The pipeline file is committed by the team; until then runs fail to find it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native
import pulumi_azuredevops as azuredevops

from components.azure.cicd_identity import AUDIENCE, DeployTargetsArgs, deploy_identity

FEATURES = {
    "repositories": "enabled",
    "pipelines": "enabled",
    "boards": "disabled",
    "testplans": "disabled",
    "artifacts": "disabled",
}
WORKLOAD_IDENTITY_FEDERATION = "WorkloadIdentityFederation"


def pipeline_number(definition_id: str) -> int:
    """A build definition's id as the number pipeline authorizations take."""
    if not definition_id.isdigit():
        raise ValueError(f"build definition id {definition_id!r} is not a number")
    return int(definition_id)


@dataclass(frozen=True, kw_only=True)
class AzureDevopsCicdArgs(DeployTargetsArgs):
    project_name: str
    """Azure DevOps project name, e.g. fraud-prod."""
    protect: bool = False
    """Protect and retain the project and the repository (prod): they hold the code."""
    branch: str = "main"
    """The repository's default branch; pushes to it run the pipeline."""
    pipeline_file: str = "azure-pipelines.yml"
    """The pipeline definition's path in the repository."""


class AzureDevopsCicd(pulumi.ComponentResource):
    project_id: pulumi.Output[str]
    """Azure DevOps project id."""
    repository_url: pulumi.Output[str]
    """HTTPS clone URL of the repository."""
    pipeline_id: pulumi.Output[int]
    """Id of the pipeline (build definition)."""
    service_connection_id: pulumi.Output[str]
    """Id of the Azure Resource Manager service connection the pipeline signs in with."""
    service_connection_name: pulumi.Output[str]
    """Its name: what a pipeline step's `azureSubscription` takes."""
    client_id: pulumi.Output[str]
    """Application (client) id of the deploy identity."""
    identity_id: pulumi.Output[str]
    """ARM id of the deploy identity."""
    identity_principal_id: pulumi.Output[str]
    """Object id of the deploy identity's service principal (what role assignments name)."""

    def __init__(
        self,
        name: str,
        args: AzureDevopsCicdArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AzureDevopsCicd", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        kept = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )

        project = azuredevops.Project(
            f"{name}-project",
            name=args.project_name,
            description="opsblocks: ML platform code and its delivery pipeline",
            visibility="private",
            version_control="Git",
            work_item_template="Agile",
            features=FEATURES,
            opts=kept,
        )
        repository = azuredevops.Git(
            f"{name}-repository",
            project_id=project.id,
            name=f"{args.project_name}-ml",
            default_branch=f"refs/heads/{args.branch}",
            initialization=azuredevops.GitInitializationArgs(init_type="Clean"),
            opts=kept,
        )

        identity = deploy_identity(f"{name}-deploy", args, parent=self)
        connection = azuredevops.ServiceEndpointAzureRM(
            f"{name}-azure",
            project_id=project.id,
            service_endpoint_name=f"{args.project_name}-azure",
            description="opsblocks: deploy identity, workload identity federation",
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
        # Only tokens Azure DevOps issues for this connection match issuer and subject.
        azure_native.managedidentity.FederatedIdentityCredential(
            f"{name}-federated",
            resource_group_name=args.resource_group_name,
            resource_name_=identity.name,
            issuer=connection.workload_identity_federation_issuer,
            subject=connection.workload_identity_federation_subject,
            audiences=[AUDIENCE],
            opts=child,
        )

        pipeline = azuredevops.BuildDefinition(
            f"{name}-pipeline",
            project_id=project.id,
            name=f"{args.project_name}-ml",
            path="\\",
            # Job tokens reach this project only, not the whole organization.
            job_authorization_scope="project",
            ci_trigger=azuredevops.BuildDefinitionCiTriggerArgs(use_yaml=True),
            repository=azuredevops.BuildDefinitionRepositoryArgs(
                repo_type="TfsGit",
                repo_id=repository.id,
                branch_name=f"refs/heads/{args.branch}",
                yml_path=args.pipeline_file,
            ),
            opts=child,
        )
        pipeline_id = pipeline.id.apply(pipeline_number)
        azuredevops.PipelineAuthorization(
            f"{name}-use-azure",
            project_id=project.id,
            type="endpoint",
            resource_id=connection.id,
            pipeline_id=pipeline_id,
            opts=child,
        )

        self.project_id = project.id
        self.repository_url = repository.remote_url
        self.pipeline_id = pipeline_id
        self.service_connection_id = connection.id
        self.service_connection_name = connection.service_endpoint_name
        self.client_id = identity.client_id
        self.identity_id = identity.id
        self.identity_principal_id = identity.principal_id
        self.register_outputs(
            {
                "project_id": self.project_id,
                "repository_url": self.repository_url,
                "pipeline_id": self.pipeline_id,
                "service_connection_id": self.service_connection_id,
                "client_id": self.client_id,
                "identity_id": self.identity_id,
                "identity_principal_id": self.identity_principal_id,
            }
        )
