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
    kubernetes = "kubernetes"
    """The cluster tools that run on Kubernetes install onto (one the blueprint creates, or an
    existing one)."""
    registry = "registry"
    training = "training"
    serving = "serving"
    validation = "validation"
    monitoring = "monitoring"
    cicd = "cicd"
