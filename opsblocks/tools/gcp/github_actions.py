"""github-actions: Workload Identity Federation for GitHub Actions (no service account keys), one
account per duty, the deploy account bound to a GitHub environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.github_actions.options import GcpGithubActionsOptions
from opsblocks.contracts import Released
from opsblocks.contracts.gcp import GcpCicd, GcpEndpoint, GcpModelRegistry, GcpPipeline
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool, releases

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: GcpGithubActionsOptions) -> GcpCicd:
    from components.gcp.github_actions.component import (
        GcpGithubActionsCicd,
        GcpGithubActionsCicdArgs,
    )

    training, registry = site.need(GcpPipeline), site.need(GcpModelRegistry)
    serving = site.get(GcpEndpoint)
    # GitHub's identity is federated in the tool's own workload identity pool.
    cicd = GcpGithubActionsCicd(
        site.name,
        GcpGithubActionsCicdArgs(
            labels=site.labels,
            **site.common,
            account_prefix=site.blueprint.name,
            pool_id=site.physical("gh"),
            protect=site.env.protect_data,
            repository_id=registry.repository_id,
            template_repository_id=training.template_repository_id,
            pipeline_root_uri=training.pipeline_root_uri,
            training_service_account=training.service_account_email,
            deploy_settings=serving.deploy_settings if serving else None,
            options=options,
        ),
        site.opts,
    )
    return GcpCicd(service_account_email=cicd.service_account_email,
                   deploy_service_account_email=cicd.deploy_service_account_email)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.cicd,
    name="github-actions",
    description="Workload Identity Federation for GitHub Actions, bound to a deploy service "
    "account",
    options=GcpGithubActionsOptions,
    component="components.gcp.github_actions.component:GcpGithubActionsCicd",
    build=build,
    gives=GcpCicd,
    promises=releases,
    promised=(Released,),
    needs=(GcpPipeline, GcpModelRegistry),
    uses=(GcpEndpoint,),
    apis=("iam.googleapis.com", "iamcredentials.googleapis.com", "sts.googleapis.com"),
    names=(
        NameRule("workload identity pool", 32, "-staging-gh", autonamed=False),
        NameRule("service account", 30, "-deploy", autonamed=False),
    ),
    main_types=("gcp.iam.WorkloadIdentityPool", "gcp.iam.WorkloadIdentityPoolProvider"),
    coverage={"repository": "acme/demand-model"},
)
