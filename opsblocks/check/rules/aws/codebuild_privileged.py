"""Privileged mode only for builds that run Docker."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PROJECT = "aws:codebuild/project:Project"
DOCKER = ("docker build", "docker push", "docker buildx", "dockerd")


def check(stack: Stack) -> Iterator[Flag]:
    for project in stack.of_type(PROJECT):
        if project.get("environment.privilegedMode") is not True:
            continue
        buildspec = project.get("source.buildspec")
        if is_unknown(buildspec):
            continue
        if not isinstance(buildspec, str) or not any(d in buildspec for d in DOCKER):
            yield Flag(project, "privileged mode on, but the buildspec builds no Docker image")


RULE = Rule(
    id="OB-AWS-CB-002",
    severity=Severity.high,
    title="Only CodeBuild projects that build Docker images run in privileged mode",
    protects="repository code escaping the build container to the host and its credentials",
    fix="environment privileged_mode=False unless the project's buildspec builds a Docker image",
    source="AWS FSBP CodeBuild.5",
    check=check,
)
