"""The "blue" deployment of the Azure ML online endpoint: the deployment, its auto-scale setting
and the ARM template deployment that routes the endpoint's traffic to it.

Why traffic is a template deployment rather than a second `resources.Resource` declaration of
the endpoint: see the docstring of `component`.

The deployment does not set `egressPublicNetworkAccess`: that setting belongs to the legacy
network isolation and does not apply in a workspace with a managed network (the training
workspace has one), where the workspace's outbound rules govern the deployment's egress. The
SDK still sends its default, `Enabled`, which is also the service's default when it is omitted.

`ENDPOINT_API_VERSION`: the SDK states the API version of `OnlineEndpoint` only in its
docstrings (and as the `azure_api_version` output once the endpoint exists, unknown in a
preview), so it is a constant here that a test pins to the installed SDK.
"""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native

from components.azure.azureml_online_endpoint.options import AzureMlOnlineEndpointOptions
from components.azure.shared.common import ENDPOINT_TYPE

DEPLOYMENT = "blue"
"""The deployment this component creates, and the one the CI/CD deploy stage creates."""
ENDPOINT_API_VERSION = "2025-12-01"
"""The API version of machinelearningservices.OnlineEndpoint in pulumi-azure-native 3.29."""
DESCRIPTION = "opsblocks: real-time scoring, Microsoft Entra ID tokens only"
TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"

ml = azure_native.machinelearningservices
monitor = azure_native.monitor


def _probe() -> azure_native.machinelearningservices.ProbeSettingsArgs:
    """Azure ML's defaults, stated so the preview shows them."""
    return ml.ProbeSettingsArgs(
        initial_delay="PT10S", period="PT10S", timeout="PT2S", success_threshold=1,
        failure_threshold=30,
    )  # fmt: skip


def blue_deployment(
    name: str,
    options: AzureMlOnlineEndpointOptions,
    *,
    resource_group_name: pulumi.Input[str],
    workspace_name: pulumi.Input[str],
    location: str,
    endpoint: azure_native.machinelearningservices.OnlineEndpoint,
    endpoint_name: pulumi.Output[str],
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> azure_native.machinelearningservices.OnlineDeployment:
    """The model on managed instances, collecting what the model monitor compares."""
    collect = ml.CollectionArgs(data_collection_mode=ml.DataCollectionMode.ENABLED)
    return ml.OnlineDeployment(
        f"{name}-deployment",
        resource_group_name=resource_group_name,
        workspace_name=workspace_name,
        endpoint_name=endpoint_name,
        deployment_name=DEPLOYMENT,
        location=location,
        properties=ml.ManagedOnlineDeploymentArgs(
            endpoint_compute_type=ml.EndpointComputeType.MANAGED,
            model=options.model,
            instance_type=options.instance_type,
            app_insights_enabled=True,
            # Registered as the data assets <endpoint>-blue-model_inputs / -model_outputs.
            data_collector=ml.DataCollectorArgs(
                collections={"model_inputs": collect, "model_outputs": collect}
            ),
            liveness_probe=_probe(),
            readiness_probe=_probe(),
            # Scaled by the auto-scale setting below, not by the deployment itself.
            scale_settings=ml.DefaultScaleSettingsArgs(scale_type=ml.ScaleType.DEFAULT),
        ),
        sku=ml.SkuArgs(name="Default", capacity=options.min_instances),
        tags=tags,
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=[endpoint],
            # Auto-scale owns the instance count once the deployment exists.
            ignore_changes=["sku.capacity"],
        ),
    )


def autoscale(
    name: str,
    options: AzureMlOnlineEndpointOptions,
    *,
    resource_group_name: pulumi.Input[str],
    location: str,
    deployment: azure_native.machinelearningservices.OnlineDeployment,
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> azure_native.monitor.AutoscaleSetting:
    """CPU-based auto-scale of the deployment between min_instances and max_instances."""

    def rule(
        operator: azure_native.monitor.ComparisonOperationType,
        threshold: float,
        direction: azure_native.monitor.ScaleDirection,
    ) -> azure_native.monitor.ScaleRuleArgs:
        return monitor.ScaleRuleArgs(
            metric_trigger=monitor.MetricTriggerArgs(
                metric_name="CpuUtilizationPercentage",
                metric_namespace=f"{ENDPOINT_TYPE}/deployments",
                metric_resource_uri=deployment.id,
                operator=operator,
                threshold=threshold,
                statistic=monitor.MetricStatisticType.AVERAGE,
                time_aggregation=monitor.TimeAggregationType.AVERAGE,
                time_grain="PT1M",
                time_window="PT5M",
            ),
            scale_action=monitor.ScaleActionArgs(
                direction=direction, type=monitor.ScaleType.CHANGE_COUNT, value="1", cooldown="PT5M"
            ),
        )

    return monitor.AutoscaleSetting(
        f"{name}-autoscale",
        resource_group_name=resource_group_name,
        location=location,
        enabled=True,
        target_resource_uri=deployment.id,
        profiles=[
            monitor.AutoscaleProfileArgs(
                name="cpu",
                capacity=monitor.ScaleCapacityArgs(
                    minimum=str(options.min_instances),
                    maximum=str(options.max_instances),
                    default=str(options.min_instances),
                ),
                rules=[
                    rule(
                        monitor.ComparisonOperationType.GREATER_THAN,
                        70,
                        monitor.ScaleDirection.INCREASE,
                    ),
                    rule(
                        monitor.ComparisonOperationType.LESS_THAN,
                        30,
                        monitor.ScaleDirection.DECREASE,
                    ),
                ],
            )
        ],
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )
