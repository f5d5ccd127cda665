"""CI/CD capability on Azure with Azure DevOps: project, repository, pipeline; no secrets.

Provisions a private Azure DevOps project (Git, Agile; only Repos and Pipelines turned on), an
Azure Repos repository in it, and a YAML pipeline that runs `pipeline_file` of the repository on
pushes to `branch`. The pipeline reaches Azure through Azure Resource Manager service
connections with workload identity federation: each names the client id of one identity, and
the identity trusts the issuer and subject Azure DevOps gives that connection. No client secret
or certificate exists anywhere. Only this pipeline is authorized to use the connections (not
every pipeline of the project), and its job tokens are scoped to the project.

Separation of duties. The pipeline YAML comes from the repository, so whoever pushes a branch
decides what runs; Azure DevOps evaluates checks on a protected resource before any stage that
uses it, and "users modifying the pipeline YAML can't modify the checks" (Define approvals and
checks). Hence:
- two connections, `<project>-train` and `<project>-deploy`, each for its own identity
  (components/azure/shared/cicd_identity.py): the train identity cannot create or change endpoints,
  so only the deploy connection can serve a model;
- branch control on both: only runs of `refs/heads/<branch>`, verified protected (unknown
  protection refused), may use them, so code under test on another branch or a pull request
  holds neither;
- `branch` is protected by a blocking policy: one reviewer other than the pusher, votes reset
  on each push, so what reaches it has been reviewed;
- an approval on the deploy connection by the `<project>-deploy-approvers` group, the
  requester never approving: no YAML can skip it. The group is created empty; a project
  administrator adds its members (until then deployments wait, and time out after 3 days).
What remains is the README's (Known limits): whoever administers the project can change checks.

Agents: in a private platform (prod) Microsoft-hosted agents cannot reach the workspace, the
registries or storage, so `agents` "vnet" (the default there) adds a subnet of the platform's
VNet delegated to Managed DevOps Pools (components/azure/azure_devops/agents.py) and the pool is
created on it; "microsoft-hosted" there, or "vnet" without a VNet, is refused.

Scope of the connections: Azure DevOps records a resource-group scope only for connections it
creates itself (the provider's `resource_group` conflicts with `credentials`), so these
manually created connections are subscription-level in Azure DevOps. What they can do is
decided by the identities' role assignments, which stop at the resource group. The
subscription name is a display label there; the subscription id stands in for it.

The Azure DevOps provider reads its organization URL and token from the stack config
(`azuredevops:orgServiceUrl`, `azuredevops:personalAccessToken`) or `AZDO_*` variables.
A project created with Git gets a default repository named like the project; the platform's
repository is a separate one, `<project_name>-ml`, initialized with a first commit on `branch`.
The pipeline file is committed by the team; until then runs fail to find it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azuredevops as azuredevops

from components.azure.azure_devops.agents import agent_path, agent_subnet
from components.azure.azure_devops.guard import (
    approval,
    branch_only,
    federated_connection,
    reviewed_branch,
)
from components.azure.azure_devops.options import AzureDevopsOptions
from components.azure.shared.cicd_identity import (
    DeployTargetsArgs,
    deploy_identity,
    train_identity,
)
from components.azure.shared.private_network import AGENT_SUBNET

FEATURES = {
    "repositories": "enabled",
    "pipelines": "enabled",
    "boards": "disabled",
    "testplans": "disabled",
    "artifacts": "disabled",
}


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
    agent_vnet_id: pulumi.Input[str] | None = None
    """The blueprint's private VNet (prod), where the platform's private endpoints are."""
    agent_subnet_prefix: str | None = None
    """The agents' subnet range in that VNet."""
    options: AzureDevopsOptions = field(default_factory=AzureDevopsOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AzureDevopsCicd(pulumi.ComponentResource):
    project_id: pulumi.Output[str]
    """Azure DevOps project id."""
    repository_url: pulumi.Output[str]
    """HTTPS clone URL of the repository."""
    pipeline_id: pulumi.Output[int]
    """Id of the pipeline (build definition)."""
    service_connection_id: pulumi.Output[str]
    """Id of the deploy service connection (approval and branch control on it)."""
    service_connection_name: pulumi.Output[str]
    """Its name: what a deploy step's `azureSubscription` takes."""
    train_service_connection_name: pulumi.Output[str]
    """The train service connection's name: what a train step's `azureSubscription` takes."""
    approvers_group: pulumi.Output[str]
    """Descriptor of the group whose members approve deployments (created empty)."""
    client_id: pulumi.Output[str]
    """Application (client) id of the deploy identity."""
    train_client_id: pulumi.Output[str]
    """Application (client) id of the train identity."""
    agent_subnet_id: pulumi.Output[str] | None
    """The subnet to create the Managed DevOps Pool in (agents "vnet"), else None."""
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
        agents = agent_path(args.options.agents, has_vnet=args.agent_vnet_id is not None)
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
            default_branch=f"refs/heads/{args.options.branch}",
            initialization=azuredevops.GitInitializationArgs(init_type="Clean"),
            opts=kept,
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
                branch_name=f"refs/heads/{args.options.branch}",
                yml_path=args.options.pipeline_file,
            ),
            opts=child,
        )
        pipeline_id = pipeline.id.apply(pipeline_number)
        reviewed_branch(
            f"{name}-reviewed", project.id, repository.id, args.options.branch, parent=self
        )

        train = train_identity(f"{name}-train", args, parent=self)
        identity = deploy_identity(f"{name}-deploy", args, parent=self)
        train_connection = federated_connection(f"{name}-train-azure", f"{args.project_name}-train",
                                                train, project.id, args, parent=self)  # fmt: skip
        connection = federated_connection(f"{name}-azure", f"{args.project_name}-deploy",
                                          identity, project.id, args, parent=self)  # fmt: skip
        for role, endpoint in (("train", train_connection), ("deploy", connection)):
            azuredevops.PipelineAuthorization(
                f"{name}-use-{role}",
                project_id=project.id,
                type="endpoint",
                resource_id=endpoint.id,
                pipeline_id=pipeline_id,
                opts=child,
            )
            branch_only(f"{name}-{role}-branch", project.id, endpoint.id, args.options.branch, self)
        approvers = approval(
            f"{name}-deploy-approval", project.id, connection.id, args.project_name, self
        )

        subnet = None
        if agents == "vnet":
            assert args.agent_vnet_id is not None and args.agent_subnet_prefix is not None
            subnet = agent_subnet(
                f"{name}-agents", subnet_name=AGENT_SUBNET, vnet_id=args.agent_vnet_id,
                address_prefix=args.agent_subnet_prefix,
                resource_group_name=args.resource_group_name, location=args.location,
                tags=args.tags, pools_principal_id=args.options.devops_infrastructure_principal_id,
                parent=self,
            )  # fmt: skip

        self.project_id = project.id
        self.repository_url = repository.remote_url
        self.pipeline_id = pipeline_id
        self.service_connection_id = connection.id
        self.service_connection_name = connection.service_endpoint_name
        self.train_service_connection_name = train_connection.service_endpoint_name
        self.approvers_group = approvers.descriptor
        self.client_id = identity.client_id
        self.train_client_id = train.client_id
        self.agent_subnet_id = subnet.id if subnet is not None else None
        self.identity_id = identity.id
        self.identity_principal_id = identity.principal_id
        self.register_outputs(
            {
                "project_id": self.project_id,
                "repository_url": self.repository_url,
                "pipeline_id": self.pipeline_id,
                "service_connection_id": self.service_connection_id,
                "service_connection_name": self.service_connection_name,
                "train_service_connection_name": self.train_service_connection_name,
                "approvers_group": self.approvers_group,
                "client_id": self.client_id,
                "train_client_id": self.train_client_id,
                "agent_subnet_id": self.agent_subnet_id,
                "identity_id": self.identity_id,
                "identity_principal_id": self.identity_principal_id,
            }
        )
