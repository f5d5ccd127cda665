"""github-actions: Workload Identity Federation for GitHub Actions (no service account keys), one
account per duty, the deploy account bound to a GitHub environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.github_actions.options import GcpGithubActionsOptions
from opsblocks.contracts import Released
from opsblocks.contracts.gcp import GcpFederatedCicd
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool, releases
from opsblocks.tools.gcp import _cicd

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: GcpGithubActionsOptions) -> GcpFederatedCicd:
    from components.gcp.github_actions.component import (
        GcpGithubActionsCicd,
        GcpGithubActionsCicdArgs,
    )

    # GitHub's identity is federated in the tool's own workload identity pool.
    cicd = GcpGithubActionsCicd(
        site.name,
        GcpGithubActionsCicdArgs(
            **_cicd.inputs(site), pool_id=site.physical("gh"), options=options
        ),
        site.opts,
    )
    return GcpFederatedCicd(
        service_account_email=cicd.service_account_email,
        deploy_service_account_email=cicd.deploy_service_account_email,
        workload_identity_provider=cicd.workload_identity_provider,
    )


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.cicd,
    name="github-actions",
    description="Workload Identity Federation for GitHub Actions, bound to a deploy service "
    "account",
    options=GcpGithubActionsOptions,
    component="components.gcp.github_actions.component:GcpGithubActionsCicd",
    build=build,
    gives=GcpFederatedCicd,
    promises=releases,
    promised=(Released,),
    needs=_cicd.NEEDS,
    uses=_cicd.USES,
    apis=("iam.googleapis.com", "iamcredentials.googleapis.com", "sts.googleapis.com"),
    names=(
        NameRule("workload identity pool", 32, "-staging-gh", autonamed=False),
        NameRule("service account", 30, "-deploy", autonamed=False),
    ),
    main_types=("gcp.iam.WorkloadIdentityPool", "gcp.iam.WorkloadIdentityPoolProvider"),
    coverage={"repository": "acme/demand-model"},
)
