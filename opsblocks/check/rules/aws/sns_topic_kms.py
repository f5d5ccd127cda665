"""Topics encrypt messages with the platform key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

TOPIC = "aws:sns/topic:Topic"


def check(stack: Stack) -> Iterator[Flag]:
    for topic in stack.of_type(TOPIC):
        key = topic.get("kmsMasterKeyId")
        if key is None:
            yield Flag(topic, "messages are stored unencrypted")
        elif key == "alias/aws/sns":
            yield Flag(
                topic,
                "encrypted with the AWS-managed alias/aws/sns key: alarms and "
                "EventBridge cannot publish to it",
            )


RULE = Rule(
    id="OB-AWS-SNS-001",
    severity=Severity.high,
    title="SNS topics encrypt messages with the platform KMS key",
    protects="alerts naming endpoints, models and failures stored without the platform key",
    fix="aws.sns.Topic(kms_master_key_id=<platform key ARN>)",
    source="AWS Config: sns-encrypted-kms",
    check=check,
)
