"""Options of the codepipeline tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from components.options import ASK, Options


class CodePipelineOptions(Options):
    """CodePipeline V2 fed by a CodeConnections connection to the model repository."""

    repository: str = Field(
        ...,
        pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$",
        description="Repository as owner/name (GitLab groups: group/subgroup/name).",
    )
    branch: Annotated[str, ASK] = Field("main", min_length=1, max_length=255)
    provider: Annotated[Literal["GitHub", "GitLab", "Bitbucket"], ASK] = "GitHub"
    build_compute: Literal[
        "BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"
    ] = "BUILD_GENERAL1_SMALL"
    build_image: str = Field("aws/codebuild/standard:7.0", min_length=1)
