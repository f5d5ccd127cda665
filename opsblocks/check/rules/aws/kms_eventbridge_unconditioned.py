"""EventBridge's grant on the key carries no source conditions: it cannot satisfy them."""

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
            if EVENTS in services and statement.get("Condition"):
                keys = sorted({k for c in statement["Condition"].values() for k in c})
                yield Flag(
                    key,
                    f"EventBridge may use the key only under {', '.join(keys)}, "
                    "which it does not send to KMS: publishing to encrypted topics fails",
                )


RULE = Rule(
    id="OB-AWS-KMS-003",
    severity=Severity.high,
    title="The key policy grants EventBridge without source conditions",
    protects="every event rule's message to an encrypted SNS topic silently dropped",
    fix="key policy: Allow events.amazonaws.com kms:Decrypt, kms:GenerateDataKey*, no Condition",
    source="opsblocks deploy review: EventBridge cannot pass key policy source conditions",
    check=check,
)
