"""No one gets Owner or access-administration roles; code-running identities get no Contributor."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.azure._roles import role_name

ASSIGNMENT = "azure-native:authorization:RoleAssignment"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
ADMIN = ("Owner", "User Access Administrator", "Role Based Access Control Administrator")
WORKLOAD_TYPES = (
    # What runs code or a pipeline as an identity: computes, jobs, endpoints, CI/CD federation.
    "azure-native:machinelearningservices:Compute",
    "azure-native:machinelearningservices:Schedule",
    "azure-native:machinelearningservices:OnlineEndpoint",
    "azure-native:managedidentity:FederatedIdentityCredential",
    "azuredevops:index/serviceEndpointAzureRM:ServiceEndpointAzureRM",
)


def check(stack: Stack) -> Iterator[Flag]:
    workload = _workload_identities(stack)
    for node in stack.of_type(ASSIGNMENT):
        role = role_name(node)
        if role in ADMIN:
            yield Flag(node, f"role assignment grants {role}")
        elif role == "Contributor":
            runners = [d for d in node.dependencies if d in workload]
            if runners:
                who = ", ".join(stack.by_urn[d].name for d in runners)
                yield Flag(node, f"Contributor for the workload identity {who}")


def _workload_identities(stack: Stack) -> set[str]:
    identities = {n.urn for n in stack.of_type(IDENTITY)}
    return {d for n in stack.of_type(*WORKLOAD_TYPES) for d in n.dependencies if d in identities}


RULE = Rule(
    id="OB-AZURE-RBAC-001",
    severity=Severity.critical,
    title="No Owner or access-administrator grants; no Contributor for identities that run code",
    protects="a job, endpoint or pipeline granting itself any role or rewriting the platform",
    fix="grant the narrowest built-in or custom role on the one resource the identity uses",
    source="MCSB PA-7 (follow just enough administration: least privilege)",
    check=check,
)
