"""cloud-build: Cloud Build triggers on a 2nd-gen GitHub connection: test, train, and a deploy
that waits for a person's approval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.cloud_build.options import CloudBuildOptions
from opsblocks.contracts import Released
from opsblocks.contracts.gcp import GcpCicd, GcpPipeline
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool, releases
from opsblocks.tools.gcp import _cicd

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: CloudBuildOptions) -> GcpCicd:
    from components.gcp.cloud_build.component import GcpCloudBuildCicd, GcpCloudBuildCicdArgs

    training = site.need(GcpPipeline)
    # Cloud Build runs the builds itself: it encrypts the runs it starts and reads the
    # scheduled run.
    cicd = GcpCloudBuildCicd(
        site.name,
        GcpCloudBuildCicdArgs(
            **_cicd.inputs(site),
            kms_key_id=site.foundation.kms_key_id,
            pipeline_name=training.pipeline,
            scheduler_job_name=training.scheduler_job_name,
            options=options,
        ),
        site.opts,
    )
    return GcpCicd(service_account_email=cicd.service_account_email,
                   deploy_service_account_email=cicd.deploy_service_account_email)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.cicd,
    name="cloud-build",
    description="Cloud Build on a 2nd-gen GitHub connection: test, train, approved deploy",
    options=CloudBuildOptions,
    component="components.gcp.cloud_build.component:GcpCloudBuildCicd",
    build=build,
    gives=GcpCicd,
    promises=releases,
    promised=(Released,),
    needs=_cicd.NEEDS,
    uses=_cicd.USES,
    apis=(
        "cloudbuild.googleapis.com",
        "secretmanager.googleapis.com",
        "iam.googleapis.com",
        "pubsub.googleapis.com",
        "logging.googleapis.com",
    ),
    names=(NameRule("service account", 30, "-deploy", autonamed=False),),
    main_types=("gcp.cloudbuild.Trigger", "gcp.cloudbuildv2.Connection"),
    coverage={
        "repository": "acme/demand-model",
        "github_app_installation_id": 42,
        "github_token_secret": "github-token",
    },
)
