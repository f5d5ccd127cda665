"""The documents of the monitoring capability: dashboard body, topic and job role policies,
and the data-quality baseline.

Plain functions of their inputs (no resources), so the component stays short and the documents
read as data.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.aws.shared import iam
from components.aws.shared.sagemaker_access import (
    VARIANT,
    pull_images,
    repository_of,
    run_jobs_in_vpc,
)

ENDPOINT_NAMESPACE = "AWS/SageMaker"
INSTANCE_NAMESPACE = "/aws/sagemaker/Endpoints"
# Where Model Monitor publishes per-feature metrics of a real-time endpoint, with the
# dimensions EndpointName and ScheduleName (AWS: "Model Monitor CloudWatch metrics").
DRIFT_NAMESPACE = "/aws/sagemaker/Endpoints/data-metric"


def drift_metric(feature: str) -> str:
    """Distance of a feature from its baseline, reported per run (statistic Sum)."""
    return f"feature_baseline_drift_{feature}"


def s3_arn(uri: str, partition: str) -> str:
    """`s3://bucket/prefix/` -> `arn:aws:s3:::bucket/prefix/*` (the objects under it)."""
    bucket_and_prefix = uri.removeprefix("s3://").rstrip("/")
    return f"arn:{partition}:s3:::{bucket_and_prefix}/*"


def bucket_arn(uri: str, partition: str) -> str:
    """`s3://bucket/prefix/` -> `arn:aws:s3:::bucket`."""
    return f"arn:{partition}:s3:::{uri.removeprefix('s3://').split('/')[0]}"


def dashboard_body(
    region: str, endpoint_name: pulumi.Input[str], alarm_arns: Sequence[pulumi.Input[str]]
) -> pulumi.Output[str]:
    """Invocations, errors, latency and CPU of the endpoint, and the state of its alarms."""
    endpoint = ["EndpointName", endpoint_name, "VariantName", VARIANT]

    def widget(title: str, metrics: list[list[object]], x: int, y: int) -> dict[str, object]:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {"title": title, "region": region, "view": "timeSeries",
                           "stat": "Sum", "period": 300, "metrics": metrics},
        }  # fmt: skip

    return pulumi.Output.json_dumps(
        {
            "widgets": [
                widget("Invocations", [[ENDPOINT_NAMESPACE, "Invocations", *endpoint]], 0, 0),
                widget("Errors", [[ENDPOINT_NAMESPACE, "Invocation4XXErrors", *endpoint],
                                  [ENDPOINT_NAMESPACE, "Invocation5XXErrors", *endpoint]], 12, 0),
                widget("Model latency (microseconds)",
                       [[ENDPOINT_NAMESPACE, "ModelLatency", *endpoint, {"stat": "p50"}],
                        [ENDPOINT_NAMESPACE, "ModelLatency", *endpoint, {"stat": "p99"}]], 0, 6),
                widget("CPU and memory (%)",
                       [[INSTANCE_NAMESPACE, "CPUUtilization", *endpoint, {"stat": "Average"}],
                        [INSTANCE_NAMESPACE, "MemoryUtilization", *endpoint,
                         {"stat": "Average"}]], 12, 6),
                {"type": "alarm", "x": 0, "y": 12, "width": 24, "height": 3,
                 "properties": {"title": "Alarms", "alarms": list(alarm_arns)}},
            ]
        }
    )  # fmt: skip


def alert_topic_policy(
    topic_arn: pulumi.Input[str], region: str, partition: str, account_id: pulumi.Input[str]
) -> pulumi.Output[str]:
    """Only this account's CloudWatch alarms may publish, and only over TLS."""
    return iam.document(
        {
            "Sid": "OnlyThisAccountsAlarmsPublish",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": pulumi.Output.concat(
                    f"arn:{partition}:cloudwatch:{region}:", account_id, ":alarm:*")},
            },
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )  # fmt: skip


def monitoring_role_policy(
    *,
    region: str,
    partition: str,
    account_id: pulumi.Input[str],
    endpoint_name: pulumi.Input[str],
    capture_bucket_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    image_uri: pulumi.Input[str],
    baseline_uri: str | None = None,
) -> pulumi.Output[str]:
    """Read captures (and the baseline) and write reports, use the key, pull the analyzer image
    (an AWS-owned repository), log, publish metrics, run in the VPC."""
    baseline = (
        [
            iam.allow(["s3:GetObject"], [s3_arn(baseline_uri, partition)]),
            # The baseline files are processing inputs: SageMaker lists their bucket.
            iam.allow(["s3:ListBucket"], [bucket_arn(baseline_uri, partition)]),
        ]
        if baseline_uri
        else []
    )
    # SageMaker ARNs carry the endpoint name in lowercase.
    endpoint = pulumi.Output.concat(
        f"arn:{partition}:sagemaker:{region}:", account_id, ":endpoint/",
        pulumi.Output.from_input(endpoint_name).apply(str.lower),
    )  # fmt: skip
    return iam.document(
        iam.write_buckets([capture_bucket_arn]),
        *iam.use_key(kms_key_arn),
        *pull_images([repository_of(image_uri, partition)]),
        iam.write_logs(region, account_id),
        iam.allow(["sagemaker:DescribeEndpoint"], [endpoint]),
        *baseline,
        # PutMetricData has no resources; the namespace condition is the only scope AWS offers.
        iam.allow(["cloudwatch:PutMetricData"], ["*"],
                  Condition={"StringEquals": {"cloudwatch:namespace": DRIFT_NAMESPACE}}),
        # Monitoring jobs are processing jobs: unscoped, or SageMaker's validation fails.
        run_jobs_in_vpc(),
    )  # fmt: skip


def data_quality_baseline(
    uri: str | None,
) -> aws.sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigArgs | None:
    """Where the job finds the constraints and statistics it checks traffic against."""
    if uri is None:
        return None
    folder = uri.rstrip("/")
    sagemaker = aws.sagemaker
    return sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigArgs(
        constraints_resource=sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigConstraintsResourceArgs(
            s3_uri=f"{folder}/constraints.json"
        ),
        statistics_resource=sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigStatisticsResourceArgs(
            s3_uri=f"{folder}/statistics.json"
        ),
    )
