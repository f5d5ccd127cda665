"""Options of the cloud-build tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.gcp.shared.option_types import Repository
from components.options import ASK, Options


class CloudBuildOptions(Options):
    """Cloud Build triggers (test, train, deploy) on a 2nd-gen GitHub connection."""

    repository: Annotated[Repository, ASK]
    branch: Annotated[str, ASK] = Field("main", min_length=1, max_length=255)
    github_app_installation_id: int = Field(
        ...,
        ge=1,
        description="Installation of the Cloud Build GitHub App on the repository's owner "
        "(github.com/settings/installations/<id>).",
    )
    github_token_secret: str = Field(
        ...,
        pattern=r"^[A-Za-z0-9_-]{1,255}$",
        description="Secret Manager secret, in the stack's project, holding a GitHub token "
        "(scopes repo, read:user) that authorizes the connection.",
    )
    github_token_version: int = Field(
        1, ge=1, description="Version of github_token_secret that holds the token."
    )
