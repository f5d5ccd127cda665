"""An endpoint whose config CI/CD releases is not rolled back by the next `pulumi up`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Node, Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
PROJECT = "aws:codebuild/project:Project"


def _released_by(project: Node, endpoint: Node) -> bool:
    """The project updates this endpoint: it depends on it, or names it, and its buildspec
    moves an endpoint to a new config."""
    names = {
        str(v.get("value"))
        for v in as_list(project.get("environment.environmentVariables"))
        if isinstance(v, Mapping)
    }
    linked = endpoint.urn in project.dependencies or endpoint.get("name") in names
    return linked and "update-endpoint" in str(project.get("source.buildspec") or "")


def check(stack: Stack) -> Iterator[Flag]:
    projects = list(stack.of_type(PROJECT))
    for endpoint in stack.of_type(ENDPOINT):
        if any(_released_by(p, endpoint) for p in projects) and (
            "endpointConfigName" not in endpoint.ignore_changes
        ):
            yield Flag(
                endpoint,
                "CI/CD moves this endpoint to new configs, but `pulumi up` "
                "would set endpointConfigName back: add it to ignore_changes",
            )


RULE = Rule(
    id="OB-AWS-SM-004",
    severity=Severity.high,
    title="An endpoint whose config CI/CD releases ignores changes to endpointConfigName",
    protects="the next `pulumi up` rolling production back to the model it was created with",
    fix="Endpoint opts: ResourceOptions(ignore_changes=['endpointConfigName'])",
    source="opsblocks deploy review: CI/CD-owned field undone by pulumi up",
    check=check,
)
