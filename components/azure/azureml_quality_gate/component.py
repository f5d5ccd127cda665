"""Validation capability on Azure: the blueprint's quality bar as a registered Azure ML component,
run on a schedule, with an alert when a run fails.

The bar (metric, threshold, direction) is compiled into a command component (see
`spec`): its script reads the candidate model's metrics JSON, which the
training run writes to `metrics_path`, and fails the job when the metric misses the bar or is
missing. The component's version is a hash of its spec, so changing the bar registers a new
version next to the old ones (Azure ML component versions are immutable). Registered versions
are kept when replaced or destroyed (`retain_on_delete`): past runs refer to them, and Azure ML
archives component versions rather than deleting them.

An Azure ML schedule runs a one-node pipeline job with the component on the workspace's cluster
(experiment `quality-gate`) on the blueprint's cron. The job runs as the cluster's managed
identity (the platform's user-assigned identity, which holds the data roles on the workspace
storage), not with the AML token of whoever created the schedule: that is the deployer, who
has no data role there.

A log alert on the platform's Log Analytics workspace fires when a run of that experiment
fails, and notifies the action group when one is given (otherwise the alert shows in the
portal only). The query reads AmlComputeJobEvent and AmlRunStatusChangedEvent: the workspace's
diagnostic settings must send both to that workspace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

from components.azure.azureml_quality_gate import spec
from components.azure.azureml_quality_gate.options import AzureMlQualityGateOptions

ml = azure_native.machinelearningservices
monitor = azure_native.monitor
DEFAULT_METRICS_PATH = (
    "azureml://datastores/workspaceblobstore/paths/candidates/latest/metrics.json"
)
EVALUATION_FREQUENCY = "PT5M"
WINDOW = "PT15M"
SEVERITY = 2


@dataclass(frozen=True, kw_only=True)
class AzureMlQualityGateValidationArgs:
    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    location: str
    workspace_name: pulumi.Input[str]
    """Azure ML workspace the component and the schedule are registered in."""
    cluster_name: pulumi.Input[str]
    """Compute cluster of that workspace the gate runs on."""
    log_workspace_id: pulumi.Input[str]
    """Log Analytics workspace that receives the Azure ML workspace's diagnostics."""
    action_group_id: pulumi.Input[str] | None = None
    """Notified when a gate run fails; None: the alert fires in the portal only."""
    metrics_path: str = DEFAULT_METRICS_PATH
    """Where training writes the candidate model's metrics: `{"<metric>": <value>, ...}`."""
    options: AzureMlQualityGateOptions = field(default_factory=AzureMlQualityGateOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AzureMlQualityGateValidation(pulumi.ComponentResource):
    component_name: str
    """Name of the registered command component: `quality-gate`."""
    component_version: str
    """Its version for this bar: 12 hex digits of the spec's hash."""
    schedule_name: pulumi.Output[str]
    """The Azure ML schedule that runs the gate."""
    alert_rule_id: pulumi.Output[str]
    """ARM id of the failed-run log alert."""

    def __init__(
        self,
        name: str,
        args: AzureMlQualityGateValidationArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AzureMlQualityGateValidation", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        kept = pulumi.ResourceOptions(parent=self, retain_on_delete=True)
        tags = dict(args.tags)
        component = spec.component_spec(
            args.options.metric, args.options.threshold, args.options.direction, tags
        )
        gate = spec.gate_text(args.options.metric, args.options.threshold, args.options.direction)

        container = ml.ComponentContainer(
            f"{name}-component",
            name=spec.NAME,
            resource_group_name=args.resource_group_name,
            workspace_name=args.workspace_name,
            properties=ml.ComponentContainerPropertiesArgs(
                description="opsblocks quality gate: fails unless the candidate model meets "
                "the blueprint's bar",
                tags=tags,
            ),
            opts=kept,
        )
        version = ml.ComponentVersion(
            f"{name}-component-version",
            name=container.name,
            version=component["version"],
            resource_group_name=args.resource_group_name,
            workspace_name=args.workspace_name,
            properties=ml.ComponentVersionPropertiesArgs(
                component_spec=component,
                description=component["description"],
                tags=tags,
            ),
            opts=kept,
        )

        config = azure_native.authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        compute_id = pulumi.Output.concat(
            "/subscriptions/", config.subscription_id,
            "/resourceGroups/", args.resource_group_name,
            "/providers/Microsoft.MachineLearningServices/workspaces/", args.workspace_name,
            "/computes/", args.cluster_name,
        )  # fmt: skip
        job = ml.PipelineJobArgs(
            job_type="Pipeline",
            display_name=f"Quality gate: {gate}",
            description=f"Checks that the candidate model's {gate}; fails otherwise.",
            experiment_name=spec.EXPERIMENT,
            # The compute's managed identity reads the metrics file, as the SDK's
            # ManagedIdentityConfiguration() sends it: no client, object or resource id.
            identity=ml.ManagedIdentityArgs(identity_type="Managed"),
            inputs={
                spec.INPUT: ml.UriFileJobInputArgs(
                    job_input_type="uri_file",
                    uri=args.metrics_path,
                    mode=ml.InputDeliveryMode.DOWNLOAD,
                )
            },
            jobs=spec.pipeline_jobs(version.id, compute_id),
            settings={
                "default_compute": compute_id,
                "force_rerun": True,
                "continue_on_step_failure": False,
            },
            tags=tags,
        )
        schedule = ml.Schedule(
            f"{name}-schedule",
            name=spec.NAME,
            resource_group_name=args.resource_group_name,
            workspace_name=args.workspace_name,
            properties=ml.SchedulePropertiesArgs(
                action=ml.JobScheduleActionArgs(action_type="CreateJob", job_definition=job),
                trigger=ml.CronTriggerArgs(
                    trigger_type="Cron", expression=args.options.schedule, time_zone="UTC"
                ),
                display_name=f"Quality gate: {gate}",
                description="opsblocks: runs the quality gate on the latest candidate model",
                is_enabled=True,
                tags=tags,
            ),
            opts=child,
        )

        rule = monitor.ScheduledQueryRule(
            f"{name}-failed-runs",
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind=monitor.Kind.LOG_ALERT,
            display_name=f"Quality gate failed: {gate}",
            description=f"A run of the Azure ML experiment '{spec.EXPERIMENT}' failed: the "
            f"candidate model missed the bar {gate}, its metrics were missing, or a step "
            "errored. Azure ML studio > Jobs > quality-gate shows the run and its log.",
            scopes=[args.log_workspace_id],
            evaluation_frequency=EVALUATION_FREQUENCY,
            window_size=WINDOW,
            severity=SEVERITY,
            enabled=True,
            auto_mitigate=True,
            # The tables appear once the workspace's diagnostics first arrive.
            skip_query_validation=True,
            criteria=monitor.ScheduledQueryRuleCriteriaArgs(
                all_of=[
                    monitor.ConditionArgs(
                        query=spec.failed_runs_query(),
                        time_aggregation=monitor.TimeAggregation.COUNT,
                        # The SDK's ConditionOperator enum holds another API's values ("gt");
                        # scheduled query rules take these words.
                        operator="GreaterThan",
                        threshold=0,
                        failing_periods=monitor.ConditionFailingPeriodsArgs(
                            number_of_evaluation_periods=1, min_failing_periods_to_alert=1
                        ),
                    )
                ]
            ),
            actions=(
                monitor.ActionsArgs(
                    action_groups=[args.action_group_id],
                    custom_properties={"quality_gate": gate, "experiment": spec.EXPERIMENT},
                )
                if args.action_group_id is not None
                else None
            ),
            tags=tags,
            opts=child,
        )

        self.component_name = spec.NAME
        self.component_version = component["version"]
        self.schedule_name = schedule.name
        self.alert_rule_id = rule.id
        self.register_outputs(
            {
                "component_name": self.component_name,
                "component_version": self.component_version,
                "schedule_name": self.schedule_name,
                "alert_rule_id": self.alert_rule_id,
            }
        )
