"""The online endpoint's settings and traffic after its creation: one ARM template deployment
that PUTs the endpoint again with the blueprint's settings and the traffic the endpoint has.

Why: an update of the typed `OnlineEndpoint` is a PUT of its inputs, which carry no traffic
(`ignore_changes` only hides the difference from Pulumi; it does not add the live value to the
request), so any change of tags, access or identity would drop the traffic the CI/CD deploy
stage routed, with a model or without. The typed endpoint is therefore only created by Pulumi
(it ignores later changes to everything it sends) and this template carries every later change.

Two levels, because ARM refuses a template resource whose properties call `reference()` on
that same resource (a circular dependency):

- the outer template reads the live endpoint (`reference()` of its resource id, which it does
  not declare) and passes `traffic` and `mirrorTraffic` as parameters to a nested deployment;
  `traffic` is the endpoint's own, or `initialTraffic` while it has none: `{"blue": 100}` once
  "blue" exists when the blueprint deploys a model, else nothing (the CI/CD deploy stage routes
  it); `mirrorTraffic` likewise is kept. ARM's `if()` evaluates only the branch it takes, so an
  endpoint without `traffic` in its response is read safely;
- the nested deployment (`expressionEvaluationOptions.scope: inner`: its expressions see only
  its own parameters, "Use linked and nested templates to deploy Azure resources") PUTs the
  endpoint with those values.

Deleting a template deployment only removes it from the deployment history ("does not affect
the state of the resource group"); it is retained on delete all the same. The template takes
the endpoint's tags, location, identity and access as parameters, so a change of any of them
runs it again; the API version is the typed endpoint's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_azure_native as azure_native

from components.azure.azureml_online_endpoint.deployment import (
    DEPLOYMENT,
    DESCRIPTION,
    ENDPOINT_API_VERSION,
    TEMPLATE_SCHEMA,
)
from components.azure.shared.common import ENDPOINT_TYPE

LIVE = f"reference(variables('endpointId'), '{ENDPOINT_API_VERSION}')"


def kept(key: str, otherwise: str) -> str:
    """An ARM expression: the endpoint's live `key` when it has a non-empty one, else
    `otherwise` (an expression)."""
    return (f"[if(contains({LIVE}, '{key}'), "
            f"if(empty({LIVE}.{key}), {otherwise}, {LIVE}.{key}), {otherwise})]")  # fmt: skip


NESTED_API_VERSION = "2022-09-01"
"""API version of the nested `Microsoft.Resources/deployments` (Microsoft's nested example)."""
SETTINGS = {"workspaceName": "string", "endpointName": "string", "location": "string",
            "identityId": "string", "tags": "object"}  # fmt: skip
"""The outer template's parameters (and their types) the nested one takes as they are."""


def _parameters(*objects: str) -> dict[str, Any]:
    """Template parameters: the settings, then the `objects` (traffic maps) of this template."""
    return {key: {"type": kind} for key, kind in SETTINGS.items()} | {
        key: {"type": "object"} for key in objects
    }


def endpoint_template(access: str) -> dict[str, Any]:
    """The outer template: reads the live traffic and hands it to `_endpoint_put`."""
    passed = {key: {"value": f"[parameters('{key}')]"} for key in SETTINGS}
    return {
        "$schema": TEMPLATE_SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": _parameters("initialTraffic"),
        "variables": {"endpointId": f"[resourceId('{ENDPOINT_TYPE}', "
                                    "parameters('workspaceName'), parameters('endpointName'))]"},
        "resources": [{
            "type": "Microsoft.Resources/deployments",
            "apiVersion": NESTED_API_VERSION,
            "name": "[format('{0}-settings', parameters('endpointName'))]",
            "properties": {
                "mode": "Incremental",
                "expressionEvaluationOptions": {"scope": "inner"},
                "parameters": passed | {
                    "traffic": {"value": kept("traffic", "parameters('initialTraffic')")},
                    "mirrorTraffic": {"value": kept("mirrorTraffic", "json('{}')")},
                },
                "template": _endpoint_put(access),
            },
        }],
    }  # fmt: skip


def _endpoint_put(access: str) -> dict[str, Any]:
    """The nested template: the endpoint as the typed resource declares it, with the traffic
    the outer template read."""
    return {
        "$schema": TEMPLATE_SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": _parameters("traffic", "mirrorTraffic"),
        "resources": [{
            "type": ENDPOINT_TYPE,
            "apiVersion": ENDPOINT_API_VERSION,
            "name": "[format('{0}/{1}', parameters('workspaceName'), parameters('endpointName'))]",
            "location": "[parameters('location')]",
            "tags": "[parameters('tags')]",
            "identity": {"type": "UserAssigned",
                         "userAssignedIdentities": {"[parameters('identityId')]": {}}},
            "properties": {
                "authMode": "AADToken", "publicNetworkAccess": access, "description": DESCRIPTION,
                "traffic": "[parameters('traffic')]",
                "mirrorTraffic": "[parameters('mirrorTraffic')]",
            },
        }],
    }  # fmt: skip


def settings_and_traffic(
    name: str,
    *,
    resource_group_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str],
    endpoint_name: pulumi.Input[str],
    location: str,
    identity_id: pulumi.Input[str],
    access: str,
    tags: Mapping[str, str],
    waits_for: list[pulumi.Resource],
    route_to_blue: bool,
    parent: pulumi.Resource,
) -> azure_native.resources.Deployment:
    """The template deployment `name`, after `waits_for` (the endpoint, and "blue" when the
    blueprint deploys it: `route_to_blue` then routes to it an endpoint with no traffic)."""
    parameter = azure_native.resources.DeploymentParameterArgs
    return azure_native.resources.Deployment(
        name,
        resource_group_name=resource_group_name,
        deployment_name=pulumi.Output.concat(endpoint_name, "-traffic"),
        properties=azure_native.resources.DeploymentPropertiesArgs(
            # Incremental: Complete would delete everything else in the resource group.
            mode=azure_native.resources.DeploymentMode.INCREMENTAL,
            template=endpoint_template(access),
            parameters={
                "workspaceName": parameter(value=workspace_name),
                "endpointName": parameter(value=endpoint_name),
                "location": parameter(value=location),
                "identityId": parameter(value=identity_id),
                "tags": parameter(value=dict(tags)),
                "initialTraffic": parameter(value={DEPLOYMENT: 100} if route_to_blue else {}),
            },
        ),
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=waits_for, retain_on_delete=True),
    )
