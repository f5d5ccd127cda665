"""azure-devops: an Azure DevOps project, repository and pipeline; train and deploy service
connections federated with Azure, the deploy one behind an approval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.azure_devops.options import AzureDevopsOptions
from opsblocks.contracts import Released
from opsblocks.contracts.azure import AzureDevopsProject
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool, releases
from opsblocks.tools.azure._cicd import NEEDS, deploy_targets, sign_in

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AzureDevopsOptions) -> AzureDevopsProject:
    from components.azure.azure_devops.component import AzureDevopsCicd, AzureDevopsCicdArgs
    from components.azure.shared.private_network import agent_subnet_prefix

    foundation = site.foundation
    # In prod every service is private: the agents' path in is a subnet of the VNet.
    vnet = foundation.vnet_id
    prefix = agent_subnet_prefix(foundation.vnet_cidr) if vnet is not None else None
    cicd = AzureDevopsCicd(
        site.name,
        AzureDevopsCicdArgs(
            tags=site.tags,
            **deploy_targets(site),
            project_name=site.physical(),
            protect=site.env.protect_data,
            agent_vnet_id=vnet,
            agent_subnet_prefix=prefix,
            options=options,
        ),
        site.opts,
    )
    return AzureDevopsProject(
        **sign_in(site, cicd),
        agent_subnet_id=cicd.agent_subnet_id,
        repository_url=cicd.repository_url,
        service_connection=cicd.service_connection_name,
        train_service_connection=cicd.train_service_connection_name,
        approvers_group=cicd.approvers_group,
    )


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.cicd,
    name="azure-devops",
    description="Azure DevOps project, repository, pipeline; train and deploy connections, "
    "approval",
    options=AzureDevopsOptions,
    component="components.azure.azure_devops.component:AzureDevopsCicd",
    build=build,
    gives=AzureDevopsProject,
    needs=NEEDS,
    promises=releases,
    promised=(Released,),
    main_types=(
        "azuredevops.Project",
        "azuredevops.Git",
        "azuredevops.BuildDefinition",
        "azure_native.managedidentity.FederatedIdentityCredential",
    ),
    # The Azure DevOps provider needs the organization, and a token for `pulumi up` itself.
    setup=(
        "pulumi config set azuredevops:orgServiceUrl https://dev.azure.com/<your-org> -s {stack}",
        "export AZDO_PERSONAL_ACCESS_TOKEN=<a token that may create projects>",
    ),
)
