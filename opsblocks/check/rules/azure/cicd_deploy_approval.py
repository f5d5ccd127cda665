"""The identity that can serve a model is reachable only after a human approval."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.azure._roles import SERVES, role_name

IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
FEDERATED = "azure-native:managedidentity:FederatedIdentityCredential"
CONNECTION = "azuredevops:index/serviceEndpointAzureRM:ServiceEndpointAzureRM"
APPROVAL = "azuredevops:index/checkApproval:CheckApproval"
GITHUB = "https://token.actions.githubusercontent.com"


def check(stack: Stack) -> Iterator[Flag]:
    serving = _serving_identities(stack)
    for node in stack.of_type(CONNECTION):
        if not serving.intersection(node.dependencies):
            continue
        checks = [a for a in stack.of_type(APPROVAL) if node.urn in a.dependencies]
        if not checks:
            yield Flag(node, "service connection of the deploy identity has no approval check")
        for approval in checks:
            if approval.get("requesterCanApprove") is True:
                yield Flag(approval, "the run's requester can approve its own deployment")
            elif not [a for a in as_list(approval.get("approvers")) if a]:
                yield Flag(approval, "approval check names no approvers")
    for node in stack.of_type(FEDERATED):
        subject, issuer = node.get("subject"), node.get("issuer")
        if not serving.intersection(node.dependencies) or issuer != GITHUB or is_unknown(subject):
            continue
        if ":environment:" not in str(subject):
            yield Flag(
                node, f"deploy identity federated to {subject!r}, not to a protected environment"
            )


def _serving_identities(stack: Stack) -> set[str]:
    identities = {n.urn for n in stack.of_type(IDENTITY)}
    pipelines = {
        d for n in stack.of_type(FEDERATED, CONNECTION) for d in n.dependencies if d in identities
    }
    return {d for n in stack.of_type("azure-native:authorization:RoleAssignment")
            if role_name(n) in SERVES for d in n.dependencies if d in pipelines}  # fmt: skip


RULE = Rule(
    id="OB-AZURE-CICD-001",
    severity=Severity.critical,
    title="The CI/CD deploy identity is usable only after an approval the requester cannot give",
    protects="any pipeline run, or its author alone, pushing a model to production",
    fix=(
        "gate the deploy connection with CheckApproval "
        "(requester_can_approve=False) or a GitHub environment"
    ),
    source=(
        "opsblocks deploy review: separation of duties (deploy connection behind an approval check)"
    ),
    check=check,
)
