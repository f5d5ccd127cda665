"""Vocabulary shared by the blueprint, the catalog and the program."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Base of every blueprint model: a misspelt key is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def environment_problem(self, environment: Environment) -> tuple[str, str] | None:
        """(option, why) when these options cannot work in `environment`; checked at load."""
        return None


class Cloud(StrEnum):
    aws = "aws"
    azure = "azure"
    gcp = "gcp"


class Environment(StrEnum):
    dev = "dev"
    staging = "staging"
    prod = "prod"


class Capability(StrEnum):
    """The building blocks of a platform, in the order the program builds them."""

    data = "data"
    registry = "registry"
    training = "training"
    serving = "serving"
    validation = "validation"
    monitoring = "monitoring"
    cicd = "cicd"


REQUIRES: dict[Capability, tuple[Capability, ...]] = {
    Capability.training: (Capability.data, Capability.registry),
    Capability.serving: (Capability.registry,),
    Capability.validation: (Capability.training,),
    Capability.monitoring: (Capability.serving,),
    Capability.cicd: (Capability.training,),
}
"""What each capability consumes from others; a blueprint must include those too."""

CLOUD_REQUIRES: dict[Cloud, dict[Capability, tuple[Capability, ...]]] = {
    # An Azure ML online endpoint lives in the training capability's workspace.
    Cloud.azure: {Capability.serving: (Capability.registry, Capability.training)},
}
"""Where a cloud's tools consume more than REQUIRES says."""


def requirements(cloud: Cloud, capability: Capability) -> tuple[Capability, ...]:
    """The capabilities whose outputs `capability` consumes on `cloud`."""
    return CLOUD_REQUIRES.get(cloud, {}).get(capability, REQUIRES.get(capability, ()))
