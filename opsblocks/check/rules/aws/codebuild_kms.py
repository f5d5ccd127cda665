"""CodeBuild projects encrypt their artifacts with the platform key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

PROJECT = "aws:codebuild/project:Project"


def check(stack: Stack) -> Iterator[Flag]:
    for project in stack.of_type(PROJECT):
        if project.get("encryptionKey") is None:
            yield Flag(project, "no encryption_key: artifacts use the AWS-managed aws/s3 key")
        if project.get("artifacts.encryptionDisabled") is True:
            yield Flag(project, "artifact encryption is disabled")


RULE = Rule(
    id="OB-AWS-CB-001",
    severity=Severity.high,
    title="CodeBuild projects encrypt artifacts with the platform KMS key",
    protects="build outputs and source bundles readable without the platform key's policy",
    fix="aws.codebuild.Project(encryption_key=<platform key ARN>), artifacts encrypted",
    source="MCSB DP-5",
    check=check,
)
