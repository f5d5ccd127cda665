"""sagemaker-model-monitor: a Model Monitor data-quality schedule, CloudWatch alarms and a
dashboard, alerts by e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.sagemaker_model_monitor.options import SageMakerModelMonitorOptions
from opsblocks.contracts import Alerts
from opsblocks.contracts.aws import AwsEndpoint, AwsEndpointMonitoring
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: SageMakerModelMonitorOptions) -> AwsEndpointMonitoring:
    from components.aws.sagemaker_model_monitor.component import (
        AwsSagemakerModelMonitorMonitoring,
        AwsSagemakerModelMonitorMonitoringArgs,
    )

    serving = site.need(AwsEndpoint)
    monitoring = AwsSagemakerModelMonitorMonitoring(
        site.name,
        AwsSagemakerModelMonitorMonitoringArgs(
            tags=site.tags,
            **site.network,
            **site.common,
            endpoint_name=serving.endpoint,
            endpoint_deployed=serving.deployed,
            capture_uri=serving.capture_uri,
            capture_bucket_arn=serving.capture_bucket_arn,
            options=options,
        ),
        site.opts,
    )
    return AwsEndpointMonitoring(
        topic_arn=monitoring.topic_arn,
        dashboard_url=monitoring.dashboard_url,
        schedule_parameter_name=monitoring.schedule_parameter_name,
        schedule_role_arn=monitoring.schedule_role_arn,
    )


def promises(options: SageMakerModelMonitorOptions) -> tuple[Alerts]:
    return (Alerts(email=options.alert_email),)


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.monitoring,
    name="sagemaker-model-monitor",
    description="Model Monitor data-quality schedule, CloudWatch alarms and dashboard, SNS e-mail",
    options=SageMakerModelMonitorOptions,
    component="components.aws.sagemaker_model_monitor.component:AwsSagemakerModelMonitorMonitoring",
    build=build,
    gives=AwsEndpointMonitoring,
    needs=(AwsEndpoint,),
    promises=promises,
    promised=(Alerts,),
    names=(NameRule("IAM role", 64, "-monitoring-role"),),
    main_types=(
        "aws.ssm.Parameter",
        "aws.sagemaker.MonitoringSchedule",
        "aws.cloudwatch.Dashboard",
        "aws.sns.Topic",
    ),
    coverage={
        "alert_email": "ml@example.com",
        "baseline_uri": "s3://opsblocks-models/fraud/baseline",
        "drift_features": ["amount", "age"],
    },
)
