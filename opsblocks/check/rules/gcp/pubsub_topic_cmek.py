"""Pub/Sub topics encrypt their messages with the platform's customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

TOPIC = "gcp:pubsub/topic:Topic"


def check(stack: Stack) -> Iterator[Flag]:
    for topic in stack.of_type(TOPIC):
        if not topic.get("kmsKeyName"):
            yield Flag(topic, "topic without kms_key_name: its messages use Google's keys")


RULE = Rule(
    id="OB-GCP-PUBSUB-001",
    severity=Severity.high,
    title="Pub/Sub topics encrypt messages with the customer-managed key",
    protects="run events and their payloads stored under keys the platform cannot revoke",
    fix="set kms_key_name=<platform key id> on the gcp.pubsub.Topic",
    source="Organization Policy constraint gcp.restrictNonCmekServices",
    check=check,
)
