"""Options of the github-actions tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.gcp.shared.option_types import Repository
from components.options import ASK, Options

GithubEnvironment = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9_.-]{1,255}$", description="A GitHub environment name.")
]


class GcpGithubActionsOptions(Options):
    """Workload Identity Federation for GitHub Actions: no service account keys."""

    repository: Annotated[Repository, ASK]
    branch: Annotated[str, ASK] = Field("main", min_length=1, max_length=255)
    train_environment: GithubEnvironment = Field(
        "training", description="GitHub environment whose jobs may train (push, start runs)."
    )
    deploy_environment: GithubEnvironment = Field(
        "production", description="GitHub environment whose jobs may deploy: give it reviewers."
    )
