"""The key policy lets the AWS services that encrypt with the key use it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from opsblocks.check.graph import Stack, as_list, document, is_unknown
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
DEFAULT_POLICY = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::<account>:root"},
                  "Action": "kms:*", "Resource": "*"}  # fmt: skip


def _services(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    return (
        [str(s) for s in as_list(principal.get("Service"))]
        if isinstance(principal, Mapping)
        else []
    )


def _allows(statements: list[Mapping[str, Any]], principal: str, actions: tuple[str, ...]) -> bool:
    """The Allow statements to a service principal matching `principal` cover `actions`."""
    granted = [
        str(pattern).lower()
        for s in statements
        if s.get("Effect") == "Allow" and any(fnmatchcase(p, principal) for p in _services(s))
        for pattern in as_list(s.get("Action"))
    ]
    return all(any(fnmatchcase(a.lower(), p) for p in granted) for a in actions)


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


def check(stack: Stack) -> Iterator[Flag]:
    for key in stack.of_type(KEY):
        text = key.get("policy")
        if is_unknown(text):
            continue  # it embeds the account id: cannot tell before `up`
        # No policy: AWS's default one, which only delegates to the account.
        statements = [s for s in as_list(document(text).get("Statement")) if isinstance(s, Mapping)]
        if text is None:
            statements = [DEFAULT_POLICY]
        needs: list[tuple[str, str, tuple[str, ...]]] = []
        if any(stack.dependents(key, LOG_GROUP)):
            needs.append(("CloudWatch Logs", "logs.*amazonaws.com", LOGS))
        topics = list(stack.dependents(key, TOPIC))
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
