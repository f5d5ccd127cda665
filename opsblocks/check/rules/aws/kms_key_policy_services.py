"""The key policy lets the AWS services that encrypt with the key use it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, document, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TOPIC = "aws:sns/topic:Topic"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
# What each service principal must be allowed (the services' encryption documentation).
LOGS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")
PUBLISHER = ("kms:Decrypt", "kms:GenerateDataKey")


def _allows(statements: list[Mapping[str, Any]], principal: str, actions: tuple[str, ...]) -> bool:
    """Some Allow statements to a service principal matching `principal` cover `actions`."""
    granted = [
        pattern
        for s in statements
        if s.get("Effect") == "Allow"
        and any(
            fnmatchcase(p, principal)
            for p in as_list(
                (s.get("Principal") or {}).get("Service")
                if isinstance(s.get("Principal"), Mapping)
                else None
            )
        )
        for pattern in as_list(s.get("Action"))
    ]
    return all(any(fnmatchcase(a.lower(), str(p).lower()) for p in granted) for a in actions)


def _delegates_to_account(statements: list[Mapping[str, Any]]) -> bool:
    for s in statements:
        principal = s.get("Principal")
        aws = principal.get("AWS") if isinstance(principal, Mapping) else None
        if (
            s.get("Effect") == "Allow"
            and any(str(p).endswith(":root") for p in as_list(aws))
            and {"kms:*", "*"} & set(as_list(s.get("Action")))
        ):
            return True
    return False


def _encrypted_topics(stack: Stack, key: Node) -> list[Node]:
    return list(stack.dependents(key, TOPIC))


def check(stack: Stack) -> Iterator[Flag]:
    for key in stack.of_type(KEY):
        text = key.get("policy")
        if text is None or is_unknown(text):
            continue  # no policy: the default one delegates to IAM; unknown: cannot tell
        statements = [s for s in as_list(document(text).get("Statement")) if isinstance(s, Mapping)]
        needs: list[tuple[str, str, tuple[str, ...]]] = []
        if any(stack.dependents(key, LOG_GROUP)):
            needs.append(("CloudWatch Logs", "logs.*amazonaws.com", LOGS))
        topics = _encrypted_topics(stack, key)
        if any(t.urn in a.dependencies for t in topics for a in stack.of_type(ALARM)):
            needs.append(("CloudWatch alarms", "cloudwatch.amazonaws.com", PUBLISHER))
        if any(t.urn in e.dependencies for t in topics for e in stack.of_type(EVENT_TARGET)):
            needs.append(("EventBridge", "events.amazonaws.com", PUBLISHER))
        for service, principal, actions in needs:
            if not _allows(statements, principal, actions):
                yield Flag(
                    key,
                    f"{service} encrypts with this key but the key policy does not "
                    f"allow {principal} {', '.join(actions)}",
                )
        if any(stack.dependents(key, ROLE_POLICY)) and not _delegates_to_account(statements):
            yield Flag(
                key,
                "roles are granted this key by IAM, but the key policy does not "
                "delegate to the account (kms:* to :root): SageMaker and CodeBuild fail",
            )


RULE = Rule(
    id="OB-AWS-KMS-002",
    severity=Severity.high,
    title="The key policy lets the services that encrypt with the key use it",
    protects="log groups that fail to create, alarms and events whose encrypted messages are lost",
    fix="key policy: Allow logs.<region>, cloudwatch, events principals; kms:* to the account root",
    source="opsblocks deploy review: encrypted service without key access",
    check=check,
)
