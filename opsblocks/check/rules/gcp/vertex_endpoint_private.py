"""Prod Vertex AI endpoints are reached privately (Private Service Connect or a VPC network)."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

ENDPOINT = "gcp:vertex/aiEndpoint:AiEndpoint"


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return  # dev and staging endpoints may be called from the internet with IAM credentials
    for endpoint in stack.of_type(ENDPOINT):
        private = endpoint.get("privateServiceConnectConfig.enablePrivateServiceConnect")
        if private or endpoint.get("network"):
            continue
        yield Flag(endpoint, "prod endpoint with a public prediction address")


RULE = Rule(
    id="OB-GCP-VERTEX-002",
    severity=Severity.high,
    title="Prod Vertex AI endpoints serve through Private Service Connect or a peered network",
    protects="the prod model answering (and being probed) from anywhere on the internet",
    fix="set private_service_connect_config=...(enable_private_service_connect=True, ...) in prod",
    source="Vertex AI docs: private endpoints for online inference (Private Service Connect)",
    check=check,
)
