"""The documents of the monitoring capability: dashboard body, topic and job role policies,
and the data-quality baseline.

Plain functions of their inputs (no resources), so the component stays short and the documents
read as data.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.aws import iam

VARIANT = "AllTraffic"
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


# SageMaker creates network interfaces to run the job in the VPC; these Describe calls support
# no resource-level permissions, so AWS only accepts Resource "*" for them.
NETWORK_DESCRIBE_ACTIONS = ("ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
                            "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets",
                            "ec2:DescribeSecurityGroups")  # fmt: skip


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
    subnet_ids: pulumi.Input[Sequence[str]],
    security_group_id: pulumi.Input[str],
    baseline_uri: str | None = None,
) -> pulumi.Output[str]:
    """Read captures (and the baseline) and write reports, use the key, log, publish metrics,
    run in the VPC."""
    baseline = (
        [iam.allow(["s3:GetObject"], [s3_arn(baseline_uri, partition)])] if baseline_uri else []
    )
    ec2 = pulumi.Output.concat(f"arn:{partition}:ec2:{region}:", account_id, ":")
    subnets = pulumi.Output.all(ec2, subnet_ids).apply(
        lambda values: [f"{values[0]}subnet/{subnet}" for subnet in values[1]]
    )
    network_interfaces = pulumi.Output.concat(ec2, "network-interface/*")
    security_group = pulumi.Output.concat(ec2, "security-group/", security_group_id)
    # SageMaker ARNs carry the endpoint name in lowercase.
    endpoint = pulumi.Output.concat(
        f"arn:{partition}:sagemaker:{region}:", account_id, ":endpoint/",
        pulumi.Output.from_input(endpoint_name).apply(str.lower),
    )  # fmt: skip
    return iam.document(
        iam.write_buckets([capture_bucket_arn]),
        iam.use_key(kms_key_arn),
        iam.write_logs(region, account_id, partition),
        iam.allow(["sagemaker:DescribeEndpoint"], [endpoint]),
        *baseline,
        # PutMetricData has no resources; the namespace condition is the only scope AWS offers.
        iam.allow(["cloudwatch:PutMetricData"], ["*"],
                  Condition={"StringEquals": {"cloudwatch:namespace": DRIFT_NAMESPACE}}),
        iam.allow(NETWORK_DESCRIBE_ACTIONS, ["*"]),
        # New interfaces only in this blueprint's subnets and security group ...
        {
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterface"],
            "Resource": pulumi.Output.all(network_interfaces, security_group, subnets).apply(
                lambda values: [values[0], values[1], *values[2]]
            ),
        },
        # ... and managing only interfaces that live in those subnets.
        iam.allow(
            ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
             "ec2:DeleteNetworkInterfacePermission"],
            [network_interfaces],
            Condition={"ArnEquals": {"ec2:Subnet": subnets}},
        ),
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
