"""CodeBuild projects log to the platform's log group."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

PROJECT = "aws:codebuild/project:Project"


def check(stack: Stack) -> Iterator[Flag]:
    for project in stack.of_type(PROJECT):
        cloudwatch = project.get("logsConfig.cloudwatchLogs") or {}
        if not isinstance(cloudwatch, Mapping):
            continue  # known only after `up`
        s3_on = project.get("logsConfig.s3Logs.status") == "ENABLED"
        if cloudwatch.get("status") == "DISABLED" and not s3_on:
            yield Flag(project, "build logs are disabled")
        elif cloudwatch.get("status") != "DISABLED" and cloudwatch.get("groupName") is None:
            yield Flag(project, "logs go to CodeBuild's default group: unencrypted, kept forever")


RULE = Rule(
    id="OB-AWS-CB-003",
    severity=Severity.medium,
    title="CodeBuild projects log to the platform's encrypted, retained log group",
    protects="no record of what a build ran, or build output kept unencrypted with no expiry",
    fix="logs_config.cloudwatch_logs: status ENABLED, group_name the platform's build log group",
    source="AWS FSBP CodeBuild.4",
    check=check,
)
