"""Options of the github-actions tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.azure.shared.option_types import Branch
from components.options import ASK, Options

Repository = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="GitHub repository: owner/name"
    ),
]


class AzureGithubActionsOptions(Options):
    """Federated train and deploy identities for GitHub Actions: no secrets."""

    repository: Annotated[Repository, ASK]
    branch: Annotated[Branch, ASK] = Field(
        "main", description="Only workflow runs on this branch get the train identity's token."
    )
    environment: str = Field(
        "production",
        pattern=r"^[A-Za-z0-9_.-]{1,255}$",
        description="Only jobs in this GitHub environment get the deploy identity's token; "
        "give it required reviewers and deployment branches in the repository.",
    )
