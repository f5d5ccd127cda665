"""What both GCP CI/CD tools take from the platform and give back (not a tool: discovery skips
modules whose name starts with an underscore)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from opsblocks.contracts.gcp import GcpEndpoint, GcpModelRegistry, GcpPipeline

if TYPE_CHECKING:
    import pulumi

    from components.gcp.shared.cicd_identity import Duty
    from opsblocks.wiring.gcp import GcpSite

NEEDS = (GcpPipeline, GcpModelRegistry)
USES = (GcpEndpoint,)
DUTIES: tuple[Duty, ...] = ("test", "train", "deploy")


class CicdInputs(TypedDict):
    labels: dict[str, str]
    project: pulumi.Output[str]
    region: str
    account_ids: dict[Duty, str]
    protect: bool
    repository_id: pulumi.Output[str]
    template_repository_id: pulumi.Output[str]
    pipeline_root_uri: pulumi.Output[str]
    training_service_account: pulumi.Output[str]
    deploy_settings: pulumi.Output[str] | None


def inputs(site: GcpSite) -> CicdInputs:
    """The registry the train stage pushes to, the pipeline template and root it runs, the
    account runs execute as, and what the deploy stage deploys with (None without serving)."""
    training, registry = site.need(GcpPipeline), site.need(GcpModelRegistry)
    serving = site.get(GcpEndpoint)
    return {
        "labels": site.labels,
        **site.common,
        "account_ids": {duty: site.account_id(duty) for duty in DUTIES},
        "protect": site.env.protect_data,
        "repository_id": registry.repository_id,
        "template_repository_id": training.template_repository_id,
        "pipeline_root_uri": training.pipeline_root_uri,
        "training_service_account": training.service_account_email,
        "deploy_settings": serving.deploy_settings if serving else None,
    }
