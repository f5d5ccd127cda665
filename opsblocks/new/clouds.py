"""The clouds `opsblocks new` offers, and what it needs to know of each."""

from __future__ import annotations

from dataclasses import dataclass

from opsblocks import blueprint, catalog
from opsblocks.model import Cloud


@dataclass(frozen=True)
class CloudSetup:
    default_region: str
    region_key: str
    """The provider's region in a stack config (it must agree with the blueprint's region)."""
    stack_setup: tuple[str, ...] = ()
    """What a new stack needs before `pulumi up` that opsblocks cannot know ({stack})."""


CLOUD_SETUP: dict[Cloud, CloudSetup] = {
    Cloud.aws: CloudSetup(default_region="us-east-1", region_key="aws:region"),
    # The subscription comes from the credentials (`az login`, ARM_SUBSCRIPTION_ID).
    Cloud.azure: CloudSetup(default_region="eastus", region_key="azure-native:location"),
    Cloud.gcp: CloudSetup(
        default_region="us-central1",
        region_key="gcp:region",
        stack_setup=("pulumi config set gcp:project <your-project-id> -s {stack}",),
    ),
}
"""Clouds `opsblocks new` offers, first one the default: one line each, once they have tools."""


def clouds() -> list[Cloud]:
    """The clouds a blueprint can use today, the default first."""
    return [c for c in CLOUD_SETUP if catalog.tools(c) and c in blueprint.CLOUD_MODELS]
