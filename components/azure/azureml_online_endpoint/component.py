"""Serving capability on Azure: an Azure ML managed online endpoint, and its first deployment.

The endpoint accepts Microsoft Entra ID tokens only (no keys) and runs as the platform's
user-assigned identity, which pulls the images and the model. It is private (public network
access Disabled) in prod; the deployment's outbound access follows the workspace's managed
network.

With `model` the deployment "blue" is created now: a managed deployment that collects its
inputs and outputs (the model monitor's production data), logs to Application Insights, and
is auto-scaled on CPU between `min_instances` and `max_instances`. Without it there is no
deployment and no traffic: the CI/CD deploy stage creates "blue" from `deploy_settings`
(the same rule as on AWS).

Traffic: ARM refuses traffic to a deployment that does not exist, and the deployment is a
child of the endpoint, so the endpoint cannot carry `traffic` when it is created. A second
declaration of the endpoint through `resources.Resource` does not work: on create the
azure-native provider reads the resource first and fails with "cannot create already existing
resource" (provider/pkg/azure/client_azcore.go, CanCreate). And an update of the typed endpoint
is a PUT without traffic, which would drop what the CI/CD deploy stage routed. So Pulumi only
creates the typed endpoint, and an ARM template deployment
(`traffic.settings_and_traffic`) carries every later change of its
settings with the traffic it has, routing all of it to "blue" while it has none and the
blueprint deploys a model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure_native as azure_native

from components.azure.azureml_online_endpoint.deployment import (
    DEPLOYMENT,
    DESCRIPTION,
    autoscale,
    blue_deployment,
)
from components.azure.azureml_online_endpoint.options import AzureMlOnlineEndpointOptions
from components.azure.azureml_online_endpoint.traffic import settings_and_traffic

SUFFIX_LENGTH = 6
PREFIX = re.compile(rf"^[A-Za-z][A-Za-z0-9-]{{0,{31 - SUFFIX_LENGTH}}}$")

ml = azure_native.machinelearningservices
UPDATED_BY_TEMPLATE = ["tags", "identity", "properties"]
"""What the typed endpoint sends and never updates: the traffic template deployment does."""


@dataclass(frozen=True, kw_only=True)
class AzureMlOnlineEndpointServingArgs:
    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    location: str
    unique_suffix: pulumi.Input[str]
    """6 lowercase hex characters from the foundation: endpoint names are unique per region."""
    endpoint_prefix: str
    """Endpoint name = endpoint_prefix + unique_suffix (3-32 characters, starting with a letter)."""
    workspace_name: pulumi.Input[str]
    identity_id: pulumi.Input[str]
    """The platform's user-assigned identity: the endpoint pulls images and models with it."""
    private_default: bool = False
    """Whether the endpoint is private when the blueprint does not say (prod: private)."""
    options: AzureMlOnlineEndpointOptions = field(default_factory=AzureMlOnlineEndpointOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AzureMlOnlineEndpointServing(pulumi.ComponentResource):
    endpoint_name: pulumi.Output[str]
    """The endpoint's name: monitoring and the CI/CD deploy stage refer to it."""
    endpoint_id: pulumi.Output[str]
    """ARM id of the endpoint: metric alerts are scoped to it."""
    scoring_uri: pulumi.Output[str]
    deployment_name: str
    """Always "blue": the deployment created here, or by the CI/CD deploy stage."""
    deployment_id: pulumi.Output[str] | None
    """ARM id of "blue" when a model was given, else None (the deploy stage creates it)."""
    private: bool
    """Whether public network access to the endpoint is Disabled."""
    deploy_settings: pulumi.Output[dict[str, Any]]
    """What the CI/CD deploy stage needs to create "blue": names, size and scale bounds."""

    def __init__(
        self,
        name: str,
        args: AzureMlOnlineEndpointServingArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not PREFIX.match(args.endpoint_prefix):
            raise ValueError(
                f"endpoint_prefix {args.endpoint_prefix!r}: a letter, then letters, digits or "
                f"'-', at most {32 - SUFFIX_LENGTH} characters (the name ends in a "
                f"{SUFFIX_LENGTH}-character suffix and has at most 32)"
            )
        if not 1 <= args.options.min_instances <= args.options.max_instances:
            raise ValueError(
                f"min_instances ({args.options.min_instances}) must be at least 1 and at most "
                f"max_instances ({args.options.max_instances})"
            )
        super().__init__("opsblocks:index:AzureMlOnlineEndpointServing", name, {}, opts)
        tags = dict(args.tags)
        options = args.options
        private = options.private if options.private is not None else args.private_default
        access = "Disabled" if private else "Enabled"
        endpoint_name = pulumi.Output.concat(args.endpoint_prefix, args.unique_suffix)

        endpoint = ml.OnlineEndpoint(
            f"{name}-endpoint",
            resource_group_name=args.resource_group_name,
            workspace_name=args.workspace_name,
            endpoint_name=endpoint_name,
            location=args.location,
            identity=ml.ManagedServiceIdentityArgs(
                type=ml.ManagedServiceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[args.identity_id],
            ),
            properties=ml.OnlineEndpointPropertiesArgs(
                auth_mode=ml.EndpointAuthMode.AAD_TOKEN,
                public_network_access=access,
                description=DESCRIPTION,
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                # Created here, updated only by the template below: an update of this resource
                # is a PUT without the traffic the deploy stage routed.
                ignore_changes=UPDATED_BY_TEMPLATE,
            ),
        )

        deployment: azure_native.machinelearningservices.OnlineDeployment | None = None
        if args.options.model is not None:
            deployment = blue_deployment(
                name, args.options, resource_group_name=args.resource_group_name,
                workspace_name=args.workspace_name, location=args.location, endpoint=endpoint,
                endpoint_name=endpoint_name, tags=tags, parent=self,
            )  # fmt: skip
            autoscale(
                name, args.options, resource_group_name=args.resource_group_name,
                location=args.location, deployment=deployment, tags=tags, parent=self,
            )  # fmt: skip
        settings_and_traffic(
            f"{name}-traffic",
            resource_group_name=args.resource_group_name,
            workspace_name=args.workspace_name,
            endpoint_name=endpoint_name,
            location=args.location,
            identity_id=args.identity_id,
            access=access,
            tags=tags,
            waits_for=[endpoint] if deployment is None else [endpoint, deployment],
            route_to_blue=deployment is not None,
            parent=self,
        )

        self.endpoint_name = endpoint_name
        self.endpoint_id = endpoint.id
        # The address Azure gives every managed online endpoint of the region.
        self.scoring_uri = pulumi.Output.concat(
            "https://", endpoint.name, f".{args.location}.inference.ml.azure.com/score"
        )
        self.deployment_name = DEPLOYMENT
        self.deployment_id = deployment.id if deployment is not None else None
        self.private = private
        self.deploy_settings = endpoint_name.apply(
            lambda endpoint_name: {
                "endpoint_name": endpoint_name,
                "deployment_name": DEPLOYMENT,
                "instance_type": args.options.instance_type,
                "min_instances": args.options.min_instances,
                "max_instances": args.options.max_instances,
            }
        )
        self.register_outputs(
            {
                "endpoint_name": self.endpoint_name,
                "endpoint_id": self.endpoint_id,
                "scoring_uri": self.scoring_uri,
                "deployment_name": self.deployment_name,
                "deployment_id": self.deployment_id,
                "private": self.private,
                "deploy_settings": self.deploy_settings,
            }
        )
