"""A private prod platform gives its CI/CD agents a way in: a delegated subnet in its VNet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Node, Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

AGENT_DELEGATIONS = ("Microsoft.DevOpsInfrastructure/pools", "GitHub.Network/networkSettings")
FEDERATED = "azure-native:managedidentity:FederatedIdentityCredential"


def check(stack: Stack) -> Iterator[Flag]:
    if not stack.prod:
        return
    private = [w for w in stack.of_type("azure-native:machinelearningservices:Workspace")
               if w.get("publicNetworkAccess") == "Disabled"]  # fmt: skip
    if not private or any(_delegated(s) for s in stack.of_type("azure-native:network:Subnet")):
        return
    parents = {n.parent for n in _cicd(stack) if n.parent in stack.by_urn}
    for component in sorted((stack.by_urn[p] for p in parents), key=lambda n: n.name):
        yield Flag(
            component,
            f"CI/CD agents have no path to the private workspace {private[0].name}: "
            "no subnet delegated to Managed DevOps Pools or GitHub private networking",
        )


def _cicd(stack: Stack) -> Iterator[Node]:
    for node in stack.custom():
        if node.type.startswith("azuredevops:") or node.type == FEDERATED:
            yield node


def _delegated(subnet: Node) -> bool:
    return any(isinstance(d, Mapping) and d.get("serviceName") in AGENT_DELEGATIONS
               for d in as_list(subnet.get("delegations")))  # fmt: skip


RULE = Rule(
    id="OB-AZURE-CICD-003",
    severity=Severity.critical,
    title="With a private prod workspace, CI/CD agents run in a subnet of the platform's VNet",
    protects=(
        "every pipeline run failing: hosted agents cannot reach a workspace with no public access"
    ),
    fix=(
        "add a subnet delegated to "
        "Microsoft.DevOpsInfrastructure/pools (or GitHub.Network/networkSettings)"
    ),
    source="opsblocks deploy review: a private platform with no path for its CI/CD agents",
    check=check,
)
