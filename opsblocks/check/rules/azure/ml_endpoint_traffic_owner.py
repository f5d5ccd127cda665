"""CI/CD owns the online endpoint's traffic: `pulumi up` never resets what a deploy set.

A template that PUTs the endpoint must send the traffic the endpoint has: a PUT without
`traffic` drops it, and one without `mirrorTraffic` drops the mirrored traffic the same way.
It cannot read them in the template that declares the endpoint (ARM refuses a resource that
calls `reference()` on itself: a circular dependency), so an outer template reads them and
hands them to a nested deployment whose expressions are evaluated in its own (`inner`) scope
("Use linked and nested templates to deploy Azure resources").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, dig, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint"
ENDPOINT_ARM_TYPE = "microsoft.machinelearningservices/workspaces/onlineendpoints"
NESTED_ARM_TYPE = "microsoft.resources/deployments"
OWNED = ("properties.traffic", "properties.mirrorTraffic")
KEPT = ("traffic", "mirrorTraffic")
"""What a template PUT of the endpoint must send, each kept from the live endpoint: a PUT
without one drops it (the traffic split, or the share mirrored to a shadow deployment)."""
NEVER_UPDATED = ("tags", "identity", "properties")
"""What the typed endpoint must ignore so that Pulumi never PUTs it after creating it."""
PARAMETER = re.compile(r"\[parameters\('([^']+)'\)\]")

Handed = Mapping[str, Any] | None
"""What a nested template's parameters receive from its parent template (None: Pulumi's
values, at the top level)."""


def check(stack: Stack) -> Iterator[Flag]:
    cicd = any(stack.capability_of(n) == "cicd" for n in stack.custom())
    for node in stack.of_type(ENDPOINT):
        # Ignoring only the traffic does not keep it: any other update (tags, identity) PUTs
        # the endpoint with the traffic Pulumi last stored, or none. Only a typed endpoint that
        # is never updated (what the traffic template updates is ignored) leaves it alone.
        never_updated = all(_ignored(node, path) for path in NEVER_UPDATED)
        for path in OWNED:
            if node.get(path) and not never_updated:
                yield Flag(node, f"endpoint sets {path} and is updated by Pulumi, which resets it")
        if cicd and not node.get("properties.traffic") and not never_updated:
            yield Flag(node, "CI/CD routes the endpoint's traffic and an update of the endpoint "
                             "by Pulumi drops it")  # fmt: skip
    for node in stack.of_type("azure-native:resources:Deployment"):
        template = node.get("properties.template")
        if isinstance(template, Mapping):
            for resource, handed in _endpoint_puts(template, None):
                yield from _judge(node, resource, handed)


def _endpoint_puts(template: Mapping[str, Any], handed: Handed) -> Iterator[tuple[Any, Handed]]:
    """Each endpoint `template` and its nested templates declare, with what its template's
    parameters were handed."""
    for resource in as_list(template.get("resources")):
        if not isinstance(resource, Mapping):
            continue
        kind = str(resource.get("type", "")).lower()
        if kind == ENDPOINT_ARM_TYPE:
            yield resource, handed
        elif kind == NESTED_ARM_TYPE:
            properties = resource.get("properties") or {}
            nested = properties.get("template")
            if not isinstance(nested, Mapping):
                continue
            inner = str(dig(properties, "expressionEvaluationOptions.scope", "")).lower()
            given = properties.get("parameters") or {}
            # Outer scope: the nested template's expressions read its parent's parameters.
            passed = (
                {k: v.get("value") for k, v in given.items() if isinstance(v, Mapping)}
                if inner == "inner" else handed
            )  # fmt: skip
            yield from _endpoint_puts(nested, passed)


def _judge(node: Node, resource: Mapping[str, Any], handed: Handed) -> Iterator[Flag]:
    properties = resource.get("properties") or {}
    for key in KEPT:
        if key not in properties:
            yield Flag(node, f"template PUTs the endpoint without {key}: the PUT drops it")
    for key in KEPT:
        value = properties.get(key)
        if value is None or is_unknown(value):
            continue
        if _reads_live(value):
            yield Flag(node, f"template reads the endpoint's {key} with reference() where it "
                             "declares the endpoint: ARM refuses a resource that references "
                             "itself")  # fmt: skip
            continue
        name = PARAMETER.fullmatch(value) if isinstance(value, str) else None
        if name is None or handed is None or not _reads_live(handed.get(name.group(1))):
            yield Flag(
                node, f"template writes the endpoint's {key} without keeping the current value"
            )


def _ignored(node: Node, path: str) -> bool:
    return any(path == i or path.startswith(f"{i}.") for i in node.ignore_changes)


def _reads_live(value: object) -> bool:
    """An ARM expression that reads the live endpoint (`reference(...)`) keeps what CI/CD set."""
    return is_unknown(value) or (
        isinstance(value, str) and value.startswith("[") and "reference(" in value
    )


RULE = Rule(
    id="OB-AZURE-ML-008",
    severity=Severity.high,
    title="The online endpoint's traffic has one writer, CI/CD: Pulumi keeps the current split",
    protects="the next `up` sending traffic back to an old or unapproved deployment, or to none",
    fix=(
        "PUT it from a nested template handed reference(endpoint).traffic; ignore_changes "
        "tags, identity, properties"
    ),
    source="opsblocks deploy review: CI/CD-owned fields Pulumi must not undo",
    check=check,
)
