"""Identities that run code under test (jobs, notebooks, the train stage) cannot serve a model."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.azure._roles import ASSIGNMENT, SERVES, role_name, runners


def check(stack: Stack) -> Iterator[Flag]:
    runs_code = runners(stack)
    for node in stack.of_type(ASSIGNMENT):
        role = role_name(node)
        if role not in SERVES:
            continue
        for urn in node.dependencies:
            if urn in runs_code:
                yield Flag(
                    node,
                    f"{role} lets {stack.by_urn[urn].name}, which runs code under "
                    "test, write online endpoints and deployments",
                )


RULE = Rule(
    id="OB-AZURE-ML-009",
    severity=Severity.critical,
    title="Jobs, notebooks and the CI/CD train stage hold no role that writes online endpoints",
    protects="code under test deploying its own model to production, around the approval",
    fix=(
        "assign the no-serving custom role (not AzureML Data "
        "Scientist) to workload and train identities"
    ),
    source="opsblocks deploy review: separation of duties (train identity has no endpoint write)",
    check=check,
)
