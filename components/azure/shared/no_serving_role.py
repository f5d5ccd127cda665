"""The one custom role that user code and the CI/CD train stage work in the workspace with:
AzureML Data Scientist without the rights that would bypass an approval or a guard.

AzureML Data Scientist (built-in role f6c7c914-8db3-469d-8ca1-694a8f32e121, "Azure built-in
roles for AI + machine learning") allows `workspaces/*/write|delete|action|read`. Whoever holds
it could therefore, from a training job, a notebook or the unapproved train stage:

- create or change an online, batch or serverless endpoint or deployment: serve a model
  nobody approved (`DEPLOY_ACTIONS`);
- write the managed network's outbound rules (reopen prod's approved-only outbound network)
  or approve or reject private-endpoint connections to the workspace (let a foreign endpoint
  in) (`GUARD_ACTIONS`);
- change or delete the quality-gate and drift schedules (switch the checks off)
  (`GUARD_ACTIONS`).

The role is defined once per blueprint (the training capability creates it) and assigned on
the workspace to the workload identity (jobs and notebooks run as it) and to the CI/CD train
identity. It is assignable in the blueprint's resource group only.
"""

from __future__ import annotations

import hashlib

import pulumi
import pulumi_azure_native as azure_native

WORKSPACE = "Microsoft.MachineLearningServices/workspaces"
DATA_SCIENTIST_ACTIONS = tuple(f"{WORKSPACE}/*/{verb}" for verb in ("read", "action", "delete",
                                                                   "write"))  # fmt: skip
DATA_SCIENTIST_NOT_ACTIONS = (
    f"{WORKSPACE}/delete", f"{WORKSPACE}/write", f"{WORKSPACE}/computes/*/write",
    f"{WORKSPACE}/computes/*/delete", f"{WORKSPACE}/computes/listKeys/action",
    f"{WORKSPACE}/listKeys/action", f"{WORKSPACE}/hubs/write", f"{WORKSPACE}/hubs/delete",
    f"{WORKSPACE}/featurestores/write", f"{WORKSPACE}/featurestores/delete",
)  # fmt: skip
DEPLOY_ACTIONS = tuple(
    f"{WORKSPACE}/{kind}/{verb}"
    for kind in ("onlineEndpoints", "onlineEndpoints/deployments", "batchEndpoints",
                 "batchEndpoints/deployments", "serverlessEndpoints")
    for verb in ("write", "delete")
)  # fmt: skip
"""What only the deploy stage may do: serve a model."""
GUARD_ACTIONS = (
    f"{WORKSPACE}/outboundRules/*",
    f"{WORKSPACE}/privateEndpointConnections/*",
    f"{WORKSPACE}/schedules/write",
    f"{WORKSPACE}/schedules/delete",
)
"""What keeps the platform's guards in place: the managed network's outbound rules, the
private-endpoint approvals, the quality-gate and drift schedules (they stay readable)."""


def no_serving_role(
    name: str, *, resource_group_id: pulumi.Input[str], parent: pulumi.Resource
) -> azure_native.authorization.RoleDefinition:
    """The custom role (see the module doc), defined in and assignable in the resource group."""
    role_name = pulumi.Output.from_input(resource_group_id).apply(
        # Role names are unique in the tenant: the resource group's id tells blueprints apart.
        lambda group: f"opsblocks {name} {hashlib.sha256(group.lower().encode()).hexdigest()[:8]}"
    )
    return azure_native.authorization.RoleDefinition(
        name,
        scope=resource_group_id,
        role_name=role_name,
        role_type="CustomRole",
        description="opsblocks: AzureML Data Scientist without serving, outbound-rule, "
        "private-endpoint-approval or schedule rights",
        assignable_scopes=[resource_group_id],
        permissions=[
            azure_native.authorization.PermissionArgs(
                actions=list(DATA_SCIENTIST_ACTIONS),
                not_actions=[*DATA_SCIENTIST_NOT_ACTIONS, *DEPLOY_ACTIONS, *GUARD_ACTIONS],
            )
        ],
        opts=pulumi.ResourceOptions(parent=parent),
    )


def assign(
    name: str,
    *,
    role_id: pulumi.Input[str],
    scope: pulumi.Input[str],
    principal_id: pulumi.Input[str],
    parent: pulumi.Resource,
) -> azure_native.authorization.RoleAssignment:
    """Give a managed identity the custom role on one resource (the workspace)."""
    return azure_native.authorization.RoleAssignment(
        name,
        scope=scope,
        role_definition_id=role_id,
        principal_id=principal_id,
        principal_type=azure_native.authorization.PrincipalType.SERVICE_PRINCIPAL,
        description="opsblocks: AzureML Data Scientist without serving or guard rights",
        opts=pulumi.ResourceOptions(parent=parent),
    )
