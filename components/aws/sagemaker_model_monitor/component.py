"""Monitoring capability on AWS: Model Monitor data quality, CloudWatch alarms, dashboard, alerts.

Alarms on errors, latency and (per feature, against a baseline) drift notify an SNS topic
encrypted with the platform key (and an e-mail address when the blueprint gives one); a
dashboard shows the endpoint's traffic.

The alarms and the dashboard always exist: they watch the endpoint by its name. When the serving
capability has no model yet, the CI/CD deploy stage creates the endpoint later; until then the
alarms have no data: they start INSUFFICIENT_DATA and, since an idle endpoint has neither errors
nor slow answers, count missing data as not breaching instead of paging.

The Model Monitor data-quality schedule (`data_quality`, on by default) needs a running endpoint
(SageMaker checks it when the schedule is created): for an endpoint deployed with the platform
(`endpoint_deployed`) Pulumi creates it; otherwise its job definition and schedule are published
in an SSM parameter and the CI/CD deploy stage creates them with the endpoint
(schedule.py). Without it, the alarms and the dashboard still watch the
endpoint's errors, latency and traffic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.aws.sagemaker_model_monitor import schedule as data_quality
from components.aws.sagemaker_model_monitor.documents import (
    DRIFT_NAMESPACE,
    ENDPOINT_NAMESPACE,
    alert_topic_policy,
    dashboard_body,
    drift_metric,
    monitoring_role_policy,
)
from components.aws.sagemaker_model_monitor.options import SageMakerModelMonitorOptions
from components.aws.shared import iam
from components.aws.shared.sagemaker_access import VARIANT


@dataclass(frozen=True, kw_only=True)
class AwsSagemakerModelMonitorMonitoringArgs:
    tags: Mapping[str, str]
    subnet_ids: pulumi.Input[Sequence[str]]
    """Private subnets the monitoring jobs run in."""
    security_group_id: pulumi.Input[str]
    region: str
    kms_key_arn: pulumi.Input[str]
    """Encrypts the alert topic, the job volumes and the monitoring reports."""
    endpoint_name: pulumi.Input[str]
    endpoint_deployed: bool
    """Whether the endpoint exists with the platform (else the CI/CD deploy stage creates it)."""
    capture_uri: pulumi.Input[str]
    """`s3://<capture bucket>/`: captured requests are read here, reports written under it."""
    capture_bucket_arn: pulumi.Input[str]
    options: SageMakerModelMonitorOptions = field(default_factory=SageMakerModelMonitorOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AwsSagemakerModelMonitorMonitoring(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    """SNS topic every alarm notifies (state changes to ALARM and back to OK)."""
    dashboard_name: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]
    """Console address of the endpoint dashboard."""
    schedule_parameter_name: pulumi.Output[str] | None
    """SSM parameter with the data-quality job and schedule for the CI/CD deploy stage to
    create; None when Pulumi creates them (deployed endpoint) or there is no schedule."""
    schedule_role_arn: pulumi.Output[str] | None
    """Role of the monitoring jobs, which the deploy stage passes; None without a schedule."""

    def __init__(
        self,
        name: str,
        args: AwsSagemakerModelMonitorMonitoringArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AwsSagemakerModelMonitorMonitoring", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        partition = iam.aws_partition(args.region)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        # Explicit, so the drift alarm can name the schedule before the schedule exists.
        schedule_name = pulumi.Output.concat(args.endpoint_name, "-data-quality")

        topic = aws.sns.Topic(f"{name}-alerts", kms_master_key_id=args.kms_key_arn, tags=tags,
                              opts=child)  # fmt: skip
        aws.sns.TopicPolicy(
            f"{name}-alerts",
            arn=topic.arn,
            policy=alert_topic_policy(topic.arn, args.region, partition, account_id),
            opts=child,
        )
        if args.options.alert_email is not None:
            aws.sns.TopicSubscription(f"{name}-alerts-email", topic=topic.arn, protocol="email",
                                      endpoint=args.options.alert_email, opts=child)  # fmt: skip

        endpoint = {"EndpointName": args.endpoint_name, "VariantName": VARIANT}
        endpoint_alarms = [
            self._alarm(
                f"{name}-5xx-errors", topic, tags,
                alarm_description="The endpoint answered with server errors (5xx).",
                namespace=ENDPOINT_NAMESPACE, metric_name="Invocation5XXErrors",
                dimensions=endpoint, statistic="Sum", period=300, evaluation_periods=1,
                threshold=args.options.max_errors_per_5min,
            ),
            self._alarm(
                f"{name}-latency-p99", topic, tags,
                alarm_description=f"p99 model latency above {args.options.latency_p99_ms} ms.",
                namespace=ENDPOINT_NAMESPACE, metric_name="ModelLatency", dimensions=endpoint,
                # Three slow windows in a row: one slow burst (a cold start) does not page.
                extended_statistic="p99", period=300, evaluation_periods=3,
                # ModelLatency is reported in microseconds.
                threshold=args.options.latency_p99_ms * 1000,
            ),
        ]  # fmt: skip
        # Model Monitor reports drift per feature, and only against a baseline.
        for feature in args.options.drift_features:
            self._alarm(
                f"{name}-drift-{feature}", topic, tags,
                alarm_description=f"Feature {feature} drifted from the training baseline.",
                namespace=DRIFT_NAMESPACE, metric_name=drift_metric(feature),
                dimensions={"EndpointName": args.endpoint_name, "ScheduleName": schedule_name},
                # One evaluation per monitoring run.
                statistic="Sum", period=3600 if args.options.schedule == "hourly" else 86400,
                evaluation_periods=1, threshold=args.options.drift_threshold,
            )  # fmt: skip
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=pulumi.Output.concat(args.endpoint_name, "-monitoring"),
            dashboard_body=dashboard_body(args.region, args.endpoint_name,
                                          [alarm.arn for alarm in endpoint_alarms]),
            opts=child,
        )  # fmt: skip

        self.schedule_parameter_name = self.schedule_role_arn = None
        if args.options.data_quality:
            self._schedule(name, args, schedule_name, partition, account_id)

        self.topic_arn = topic.arn
        self.dashboard_name = dashboard.dashboard_name
        self.dashboard_url = pulumi.Output.concat(
            f"https://{args.region}.console.aws.amazon.com/cloudwatch/home?region={args.region}"
            "#dashboards:name=",
            dashboard.dashboard_name,
        )
        self.register_outputs({"topic_arn": self.topic_arn, "dashboard_name": self.dashboard_name,
                               "dashboard_url": self.dashboard_url,
                               "schedule_parameter_name": self.schedule_parameter_name,
                               "schedule_role_arn": self.schedule_role_arn})  # fmt: skip

    def _alarm(
        self, name: str, topic: aws.sns.Topic, tags: dict[str, str], **metric: Any
    ) -> aws.cloudwatch.MetricAlarm:
        """An alarm that tells the topic when it fires and when it clears."""
        return aws.cloudwatch.MetricAlarm(
            name,
            comparison_operator="GreaterThanThreshold",
            # No traffic means no errors and no slow answers; no report between two monitoring
            # runs means no drift: missing data never pages.
            treat_missing_data="notBreaching",
            alarm_actions=[topic.arn],
            ok_actions=[topic.arn],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
            **metric,
        )

    def _schedule(
        self,
        name: str,
        args: AwsSagemakerModelMonitorMonitoringArgs,
        schedule_name: pulumi.Output[str],
        partition: str,
        account_id: pulumi.Output[str],
    ) -> None:
        """The jobs' role; the job definition and schedule, or their requests for CI/CD."""
        tags = dict(args.tags)
        analyzer = aws.sagemaker.get_prebuilt_ecr_image_output(
            repository_name="sagemaker-model-monitor-analyzer",
            # AWS documents the analyzer image without a tag (that is, `latest`), not under
            # the provider's default tag `1`.
            image_tag="latest",
            opts=pulumi.InvokeOutputOptions(parent=self),
        ).registry_path
        role, role_policy = iam.service_role(
            f"{name}-role",
            "sagemaker.amazonaws.com",
            monitoring_role_policy(
                region=args.region, partition=partition, account_id=account_id,
                endpoint_name=args.endpoint_name, capture_bucket_arn=args.capture_bucket_arn,
                kms_key_arn=args.kms_key_arn, image_uri=analyzer,
                baseline_uri=args.options.baseline_uri,
            ),
            tags,
            parent=self,
        )  # fmt: skip
        job = data_quality.DataQualityJob(
            endpoint_name=args.endpoint_name, schedule_name=schedule_name,
            schedule=args.options.schedule, role_arn=role.arn, image_uri=analyzer,
            kms_key_arn=args.kms_key_arn, capture_uri=args.capture_uri,
            instance_type=args.options.instance_type, baseline_uri=args.options.baseline_uri,
            subnet_ids=args.subnet_ids, security_group_id=args.security_group_id, tags=tags,
        )  # fmt: skip
        # SageMaker checks the role's access when the definition is created.
        after_role = pulumi.ResourceOptions(parent=self, depends_on=[role_policy])
        if args.endpoint_deployed:
            data_quality.create(name, job, after_role)
        else:
            self.schedule_parameter_name = data_quality.publish(name, job, after_role).name
            self.schedule_role_arn = role.arn
