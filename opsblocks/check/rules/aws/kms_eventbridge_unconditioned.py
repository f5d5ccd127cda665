"""EventBridge's grant on the key carries no source conditions (aws:SourceArn,
aws:SourceAccount, ...): it does not send them to KMS when it publishes to an encrypted topic.
Conditions on other keys are not this rule's to judge."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, document, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

KEY = "aws:kms/key:Key"
EVENTS = "events.amazonaws.com"


def check(stack: Stack) -> Iterator[Flag]:
    for key in stack.of_type(KEY):
        text = key.get("policy")
        if text is None or is_unknown(text):
            continue
        for statement in as_list(document(text).get("Statement")):
            if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
                continue
            principal = statement.get("Principal")
            services = as_list(principal.get("Service")) if isinstance(principal, Mapping) else []
            condition = statement.get("Condition")
            if EVENTS not in services or not isinstance(condition, Mapping):
                continue
            keys = sorted(
                {
                    str(k)
                    for values in condition.values()
                    if isinstance(values, Mapping)
                    for k in values
                    if str(k).lower().startswith("aws:source")
                }
            )
            if keys:
                yield Flag(
                    key,
                    f"EventBridge may use the key only under {', '.join(keys)}, "
                    "which it does not send to KMS: publishing to encrypted topics fails",
                )


RULE = Rule(
    id="OB-AWS-KMS-003",
    severity=Severity.high,
    title="The key policy grants EventBridge without aws:Source* conditions",
    protects="every event rule's message to an encrypted SNS topic silently dropped",
    fix="key policy: Allow events.amazonaws.com kms:Decrypt, kms:GenerateDataKey* "
    "without aws:Source* conditions",
    source="opsblocks deploy review: EventBridge cannot pass key policy source conditions",
    check=check,
)
