"""Online endpoints take Entra ID tokens only, and are private in prod."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

ENDPOINT_ARM_TYPE = "microsoft.machinelearningservices/workspaces/onlineendpoints"


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:machinelearningservices:OnlineEndpoint"):
        yield from _judge(stack, node, node.get("properties") or {}, "endpoint")
    # The endpoint as the traffic-keeping ARM template writes it: what Azure ends up with.
    for node in stack.of_type("azure-native:resources:Deployment"):
        for resource in as_list(node.get("properties.template.resources")):
            if (
                isinstance(resource, Mapping)
                and str(resource.get("type", "")).lower() == ENDPOINT_ARM_TYPE
            ):
                yield from _judge(
                    stack, node, resource.get("properties") or {}, "template endpoint"
                )


def _judge(stack: Stack, node: Node, properties: Mapping[str, Any], what: str) -> Iterator[Flag]:
    if is_unknown(properties):
        return
    auth = properties.get("authMode")
    if auth != "AADToken" and not is_unknown(auth):
        yield Flag(node, f"{what} authMode is {auth or 'unset'}, not Entra ID tokens (AADToken)")
    access = properties.get("publicNetworkAccess")
    if stack.prod and access != "Disabled" and not is_unknown(access):
        yield Flag(node, f"prod {what} publicNetworkAccess is {access or 'unset (Enabled)'}")


RULE = Rule(
    id="OB-AZURE-ML-007",
    severity=Severity.high,
    title="Online endpoints use Entra ID token auth and disable public network access in prod",
    protects="static endpoint keys scoring (and scraping) the model from anywhere, unaudited",
    fix='set auth_mode="AADToken", and public_network_access="Disabled" in prod, on the endpoint',
    source="MCSB IM-1 and NS-2 (Azure ML security baseline: Entra ID auth, private endpoints)",
    check=check,
)
