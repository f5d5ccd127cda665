"""Log groups encrypt with the platform key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def check(stack: Stack) -> Iterator[Flag]:
    for group in stack.of_type(LOG_GROUP):
        if group.get("kmsKeyId") is None:
            yield Flag(group, "no kms_key_id: logs are encrypted only with a CloudWatch-owned key")


RULE = Rule(
    id="OB-AWS-LOGS-001",
    severity=Severity.high,
    title="CloudWatch log groups encrypt with the platform KMS key",
    protects="build and flow logs, which name data, hosts and secrets by mistake, outside the key",
    fix="aws.cloudwatch.LogGroup(kms_key_id=<platform key ARN>)",
    source="AWS Config: cloudwatch-log-group-encrypted",
    check=check,
)
