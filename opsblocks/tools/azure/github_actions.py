"""github-actions: federated train and deploy identities for GitHub Actions, the deploy one for
jobs in a protected environment only; no secrets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.azure.github_actions.options import AzureGithubActionsOptions
from opsblocks.contracts import Released
from opsblocks.contracts.azure import AzureCicd
from opsblocks.model import Capability, Cloud
from opsblocks.tools import Tool, releases
from opsblocks.tools.azure._cicd import NEEDS, deploy_targets, sign_in

if TYPE_CHECKING:
    from opsblocks.wiring.azure import AzureSite


def build(site: AzureSite, options: AzureGithubActionsOptions) -> AzureCicd:
    from components.azure.github_actions.component import (
        AzureGithubActionsCicd,
        AzureGithubActionsCicdArgs,
    )

    cicd = AzureGithubActionsCicd(
        site.name,
        AzureGithubActionsCicdArgs(tags=site.tags, **deploy_targets(site), options=options),
        site.opts,
    )
    return AzureCicd(**sign_in(site, cicd))


TOOL = Tool(
    cloud=Cloud.azure,
    capability=Capability.cicd,
    name="github-actions",
    description="GitHub Actions: federated train and deploy identities, deploy in a protected "
    "environment",
    options=AzureGithubActionsOptions,
    component="components.azure.github_actions.component:AzureGithubActionsCicd",
    build=build,
    gives=AzureCicd,
    needs=NEEDS,
    promises=releases,
    promised=(Released,),
    main_types=("azure_native.managedidentity.FederatedIdentityCredential",),
    coverage={"repository": "acme/fraud-model"},
)
