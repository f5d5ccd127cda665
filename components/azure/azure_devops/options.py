"""Options of the azure-devops tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from components.azure.shared.option_types import Branch
from components.options import ASK, Options


class AzureDevopsOptions(Options):
    """Azure DevOps project, Azure Repos repository and a pipeline, federated with Azure."""

    branch: Annotated[Branch, ASK] = "main"
    pipeline_file: str = Field(
        "azure-pipelines.yml",
        pattern=r"^[\w./-]+\.ya?ml$",
        description="The pipeline definition in the repository.",
    )
    agents: Literal["microsoft-hosted", "vnet"] | None = Field(
        None,
        description="Where pipeline jobs run: vnet (a subnet of the private VNet delegated to "
        "Managed DevOps Pools, the only path to a private platform) or microsoft-hosted; "
        "default: vnet in prod, microsoft-hosted otherwise.",
    )
    devops_infrastructure_principal_id: str | None = Field(
        None,
        pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$",
        description="Object id of the tenant's DevOpsInfrastructure service principal (az ad sp "
        "list --display-name DevOpsInfrastructure --query [].id): Reader and Network "
        "Contributor on the VNet for the pool; without it, grant them by hand.",
    )

    def environment_problem(self, environment: str) -> tuple[str, str] | None:
        # Only prod has the private VNet, and in prod nothing is reachable from the internet.
        private = environment == "prod"
        if self.agents == "microsoft-hosted" and private:
            return "agents", (
                "Microsoft-hosted agents cannot reach a private platform (prod: workspace, "
                "registries and storage have no public access); use 'vnet' (Managed DevOps Pools)"
            )
        if self.agents == "vnet" and not private:
            return "agents", "'vnet' needs the private network, which only prod has"
        return None
