"""Monitoring capability on Azure: metric alerts on the online endpoint and an Azure ML model
monitor for data and prediction drift.

- Latency: the endpoint's `RequestLatency_P99` (the metric supports Average only: the average
  of the per-minute p99) above `latency_p99_ms`, evaluated every minute over 5 minutes.
- Failed requests: `RequestsPerMinute` with `statusCodeClass` 5xx. The metric is a per-minute
  count that supports Average only, so "more than `max_errors_per_5min` in 5 minutes" is an
  average above `max_errors_per_5min / 5` per minute over a 5-minute window, evaluated every
  5 minutes.
- Drift: a `CreateMonitor` schedule on the deployment (see `signals`).

The drift schedule and the deployment: with `deployment_id` (serving was given a model, so
"blue" is created in the same `pulumi up`) the schedule targets that id, is enabled, and is
created after the deployment. Without it "blue" does not exist until the CI/CD deploy stage
creates it, so the schedule is created disabled, targeting
`<endpoint_id>/deployments/<deployment_name>`. The deploy stage enables it once blue exists,
after every deploy of blue (the command is idempotent):
`az ml schedule enable --name <monitor_schedule_name> --workspace-name <workspace>
--resource-group <group>`. The schedule then ignores changes to `isEnabled`, which the deploy
stage owns; a `pulumi up` that updates the schedule otherwise sends the value in the state, so
refresh first (`pulumi up --refresh`) or let the next deploy enable it again.

Training data must be an MLTable (see `signals`): the training data folder
holds an `MLTable` file.

Alert e-mails: with `alert_email`, an action group (common alert schema) receives the metric
alerts and the monitor e-mails the address. Without it no action group is created (one without
receivers notifies nobody and only adds a resource): the alerts still fire and show in Azure
Monitor and on the endpoint, with no actions, and `action_group_id` is None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

from components.azure.azureml_model_monitor.options import AzureMlModelMonitorOptions
from components.azure.azureml_model_monitor.signals import monitor_definition
from components.azure.shared.common import ENDPOINT_TYPE, once

SHORT_NAME = "opsblocks-ml"
"""Action group short name (at most 12 characters): the sender shown in notifications."""

monitor = azure_native.monitor
ml = azure_native.machinelearningservices


@dataclass(frozen=True, kw_only=True)
class AzureMlModelMonitorMonitoringArgs:
    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    location: str
    workspace_name: pulumi.Input[str]
    endpoint_name: pulumi.Input[str]
    endpoint_id: pulumi.Input[str]
    """ARM id of the online endpoint: the scope of the metric alerts."""
    deployment_name: str
    """The endpoint's deployment the monitor targets (serving's `deployment_name`)."""
    deployment_id: pulumi.Input[str] | None = None
    """ARM id of the deployment when it exists in this stack (serving's `deployment_id`): the
    schedule targets it and is enabled. None: the CI/CD deploy stage creates the deployment
    and enables the schedule."""
    compute_identity_id: pulumi.Input[str]
    """User-assigned identity the serverless Spark monitoring job runs as: serverless Spark
    runs only as an identity attached to the workspace (the training capability attaches the
    workload identity), with that identity's roles on the lake and the workspace storage."""
    reference_data_uri: str
    """Training data, the drift baseline, read as an MLTable: a folder
    `azureml://datastores/<d>/paths/<p>/` that holds an `MLTable` file, or an mltable data
    asset `azureml:<name>:<version>`."""
    options: AzureMlModelMonitorOptions = field(default_factory=AzureMlModelMonitorOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AzureMlModelMonitorMonitoring(pulumi.ComponentResource):
    action_group_id: pulumi.Output[str] | None
    """The e-mail action group, or None without `alert_email`."""
    monitor_schedule_name: pulumi.Output[str]
    """The Azure ML schedule that runs the drift signals: the one the CI/CD deploy stage
    enables when it creates the deployment."""
    latency_alert_id: pulumi.Output[str]
    error_alert_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: AzureMlModelMonitorMonitoringArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if args.options.task not in ("classification", "regression"):
            raise ValueError(f"task {args.options.task!r}: classification or regression")
        super().__init__("opsblocks:index:AzureMlModelMonitorMonitoring", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        group = None
        if args.options.alert_email:
            group = monitor.ActionGroup(
                f"{name}-alerts",
                resource_group_name=args.resource_group_name,
                location="global",
                group_short_name=SHORT_NAME,
                enabled=True,
                email_receivers=[
                    monitor.MicrosoftCommonEmailReceiverArgs(
                        name="ml-team",
                        email_address=args.options.alert_email,
                        use_common_alert_schema=True,
                    )
                ],
                tags=tags,
                opts=child,
            )
        actions = [monitor.MetricAlertActionArgs(action_group_id=group.id)] if group else None

        def alert(
            role: str,
            description: str,
            severity: int,
            frequency: str,
            criterion: azure_native.monitor.MetricCriteriaArgs,
        ) -> azure_native.monitor.MetricAlert:
            return monitor.MetricAlert(
                f"{name}-{role}",
                resource_group_name=args.resource_group_name,
                location="global",
                description=description,
                severity=severity,
                enabled=True,
                auto_mitigate=True,
                scopes=[args.endpoint_id],
                target_resource_type=ENDPOINT_TYPE,
                evaluation_frequency=frequency,
                window_size="PT5M",
                criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                    odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                    all_of=[criterion],
                ),
                actions=actions,
                tags=tags,
                opts=child,
            )

        latency = alert(
            "latency",
            f"opsblocks {name}: p99 request latency above {args.options.latency_p99_ms} ms",
            2,
            "PT1M",
            monitor.MetricCriteriaArgs(
                criterion_type="StaticThresholdCriterion",
                name="p99-latency",
                metric_namespace=ENDPOINT_TYPE,
                metric_name="RequestLatency_P99",
                time_aggregation=monitor.AggregationTypeEnum.AVERAGE,
                operator=monitor.Operator.GREATER_THAN,
                threshold=args.options.latency_p99_ms,
            ),
        )
        errors = alert(
            "errors",
            f"opsblocks {name}: more than {args.options.max_errors_per_5min} failed (5xx) requests "
            "in 5 minutes",
            1,
            "PT5M",
            monitor.MetricCriteriaArgs(
                criterion_type="StaticThresholdCriterion",
                name="server-errors",
                metric_namespace=ENDPOINT_TYPE,
                metric_name="RequestsPerMinute",
                dimensions=[
                    monitor.MetricDimensionArgs(
                        name="statusCodeClass", operator="Include", values=["5xx"]
                    )
                ],
                time_aggregation=monitor.AggregationTypeEnum.AVERAGE,
                operator=monitor.Operator.GREATER_THAN,
                threshold=args.options.max_errors_per_5min / 5,
            ),
        )

        schedule_name = pulumi.Output.concat(args.endpoint_name, f"-{args.deployment_name}-drift")
        enabled = args.deployment_id is not None
        # The deployment's own id carries the dependency on it: the schedule waits for it.
        target = (
            args.deployment_id
            if args.deployment_id is not None
            else pulumi.Output.concat(args.endpoint_id, f"/deployments/{args.deployment_name}")
        )
        schedule = ml.Schedule(
            f"{name}-drift",
            resource_group_name=args.resource_group_name,
            workspace_name=args.workspace_name,
            name=schedule_name,
            properties=ml.SchedulePropertiesArgs(
                display_name=f"opsblocks {name}: data and prediction drift",
                description=f"Drift of {args.deployment_name} against the training data",
                is_enabled=enabled,
                trigger=ml.CronTriggerArgs(
                    trigger_type="Cron", expression=args.options.schedule, time_zone="UTC"
                ),
                action=ml.CreateMonitorActionArgs(
                    action_type="CreateMonitor",
                    monitor_definition=monitor_definition(
                        endpoint_name=args.endpoint_name,
                        deployment_name=args.deployment_name,
                        deployment_id=target,
                        compute_identity_id=args.compute_identity_id,
                        reference_data_uri=args.reference_data_uri,
                        task=args.options.task,
                        drift_threshold=args.options.drift_threshold,
                        alert_email=args.options.alert_email,
                    ),
                ),
                # The schedule resource takes no tags of its own: they go on its properties.
                tags=tags,
            ),
            # Without a deployment here the CI/CD deploy stage enables the schedule.
            opts=child
            if enabled
            else pulumi.ResourceOptions(parent=self, ignore_changes=["properties.isEnabled"]),
        )

        self.action_group_id = group.id if group is not None else None
        # The name, once the schedule exists.
        self.monitor_schedule_name = once(schedule_name, schedule)
        self.latency_alert_id = latency.id
        self.error_alert_id = errors.id
        self.register_outputs(
            {
                "action_group_id": self.action_group_id,
                "monitor_schedule_name": self.monitor_schedule_name,
                "latency_alert_id": self.latency_alert_id,
                "error_alert_id": self.error_alert_id,
            }
        )
