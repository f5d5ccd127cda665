"""AwsSagemakerModelMonitorMonitoring: alarms and dashboard always, a schedule with an endpoint."""

from __future__ import annotations

import json
from typing import Any

from components.aws.sagemaker_model_monitor.component import (
    AwsSagemakerModelMonitorMonitoring,
    AwsSagemakerModelMonitorMonitoringArgs,
)
from opsblocks.preview import Graph
from tests.recording import (
    ACCOUNT_ID,
    TEST_INVOKES,
    args_of,
    as_list,
    fake_outputs,
    policies,
    run,
    statements,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/monitoring"
CAPTURE = "arn:aws:s3:::fraud-capture"
TAGS = {"team": "risk", "opsblocks:capability": "monitoring"}
COMPONENT = "opsblocks:index:AwsSagemakerModelMonitorMonitoring"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC_ARN = fake_outputs("aws:sns/topic:Topic", "monitoring-alerts")["arn"]
SCHEDULE_TYPES = {
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule",
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
    "aws:iam/role:Role",
}
# Actions AWS authorizes only on Resource "*"; nothing else may be granted on "*".
VPC_ACTIONS = {
    "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
    "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
}  # fmt: skip
# Monitoring jobs are processing jobs: SageMaker requires their VPC permissions unscoped.
UNSCOPABLE = {"cloudwatch:PutMetricData", "ecr:GetAuthorizationToken", *VPC_ACTIONS}


def monitoring(**overrides: Any) -> Graph:
    args: dict[str, Any] = {
        "tags": TAGS, "subnet_ids": ["subnet-a", "subnet-b"], "security_group_id": "sg-1",
        "region": "us-east-1", "kms_key_arn": KEY, "endpoint_name": "fraud-prod",
        "endpoint_deployed": True, "capture_uri": "s3://fraud-capture/",
        "capture_bucket_arn": CAPTURE,
    }  # fmt: skip
    return run(
        lambda: AwsSagemakerModelMonitorMonitoring(
            "monitoring", args_of(AwsSagemakerModelMonitorMonitoringArgs, **args | overrides)
        )
    )


def alarms(graph: Graph) -> dict[str, dict[str, Any]]:
    return {r.name.removeprefix("monitoring-"): r.inputs for r in graph.of_type(ALARM)}


def test_every_alarm_notifies_the_topic_when_it_fires_and_when_it_clears() -> None:
    found = alarms(monitoring())

    assert set(found) == {"5xx-errors", "latency-p99"}
    for name, alarm in found.items():
        assert alarm["alarmActions"] == [TOPIC_ARN], name
        assert alarm["okActions"] == [TOPIC_ARN], name


def test_topic_is_encrypted_with_the_platform_key() -> None:
    assert monitoring().named("monitoring-alerts", "Topic").inputs["kmsMasterKeyId"] == KEY


def test_only_this_accounts_cloudwatch_alarms_may_publish_to_the_topic() -> None:
    policy = json.loads(monitoring().named("monitoring-alerts", "TopicPolicy").inputs["policy"])
    [allow] = [s for s in statements(policy) if s["Effect"] == "Allow"]

    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert (allow["Action"], allow["Resource"]) == ("sns:Publish", TOPIC_ARN)
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}


def test_errors_alarm_fires_above_the_allowed_5xx_errors_per_5_minutes() -> None:
    errors = alarms(monitoring(max_errors_per_5min=7))["5xx-errors"]

    assert (errors["namespace"], errors["metricName"]) == ("AWS/SageMaker", "Invocation5XXErrors")
    assert (errors["statistic"], errors["period"], errors["threshold"]) == ("Sum", 300, 7)
    assert errors["comparisonOperator"] == "GreaterThanThreshold"
    assert errors["dimensions"] == {"EndpointName": "fraud-prod", "VariantName": "AllTraffic"}


def test_latency_alarm_watches_p99_in_microseconds() -> None:
    latency = alarms(monitoring(latency_p99_ms=250))["latency-p99"]

    assert (latency["metricName"], latency["extendedStatistic"]) == ("ModelLatency", "p99")
    assert "statistic" not in latency
    assert latency["threshold"] == 250_000
    assert latency["dimensions"] == {"EndpointName": "fraud-prod", "VariantName": "AllTraffic"}


BASELINE = "s3://fraud-baselines/v1/"


def test_each_named_feature_gets_a_drift_alarm_on_the_schedules_data_metrics() -> None:
    graph = monitoring(
        schedule="hourly", baseline_uri=BASELINE, drift_features=["amount", "country"],
        drift_threshold=0.3,
    )  # fmt: skip
    drift = alarms(graph)["drift-amount"]
    schedule = graph.named("monitoring-schedule").inputs

    assert "drift-country" in alarms(graph)
    assert drift["namespace"] == "/aws/sagemaker/Endpoints/data-metric"
    assert drift["metricName"] == "feature_baseline_drift_amount"
    assert drift["dimensions"] == {"EndpointName": "fraud-prod", "ScheduleName": schedule["name"]}
    assert (drift["statistic"], drift["threshold"]) == ("Sum", 0.3)
    assert drift["treatMissingData"] == "notBreaching"
    assert drift["period"] == 3600


def test_no_drift_alarm_without_named_features() -> None:
    assert not [name for name in alarms(monitoring()) if name.startswith("drift")]


def test_job_checks_traffic_against_the_baseline_it_may_read() -> None:
    graph = monitoring(baseline_uri=BASELINE)
    baseline = graph.named("monitoring-data-quality").inputs["dataQualityBaselineConfig"]
    assert baseline["constraintsResource"] == {"s3Uri": "s3://fraud-baselines/v1/constraints.json"}
    assert baseline["statisticsResource"] == {"s3Uri": "s3://fraud-baselines/v1/statistics.json"}
    policy = json.loads(graph.named("monitoring-role", "RolePolicy").inputs["policy"])
    reads = [s for s in statements(policy) if s["Action"] == ["s3:GetObject"]]
    assert reads[0]["Resource"] == ["arn:aws:s3:::fraud-baselines/v1/*"]


def test_without_a_deployed_endpoint_the_schedule_is_published_for_the_deploy_stage() -> None:
    graph = monitoring(endpoint_deployed=False, baseline_uri="s3://fraud-baselines/v1/")
    parameter = graph.named("monitoring-schedule-settings", "Parameter").inputs
    published = json.loads(parameter["insecureValue"])

    # SageMaker checks the endpoint exists when a schedule is created: not before CI/CD.
    assert not {r.type for r in graph.resources} & SCHEDULE_TYPES - {"aws:iam/role:Role"}
    assert graph.named("monitoring-role", "Role")
    assert parameter["name"] == "/opsblocks/fraud-prod/monitoring"
    assert len(parameter["insecureValue"]) < 4096  # a standard parameter
    assert published["schedule"] == {
        "MonitoringScheduleName": "fraud-prod-data-quality",
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": "cron(0 0 ? * * *)"},
            "MonitoringJobDefinitionName": "fraud-prod-data-quality",
            "MonitoringType": "DataQuality"},
        "Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()],
    }  # fmt: skip
    assert published["job_definition"]["RoleArn"] == fake_outputs(
        "aws:iam/role:Role", "monitoring-role")["arn"]  # fmt: skip
    assert len(graph.of_type(ALARM)) == 2
    assert graph.named("monitoring-dashboard")


def test_published_job_definition_is_the_one_pulumi_creates_for_a_deployed_endpoint() -> None:
    common = {"baseline_uri": "s3://fraud-baselines/v1/", "instance_type": "ml.c5.xlarge"}
    created = monitoring(endpoint_deployed=True, **common).named(
        "monitoring-data-quality", "DataQualityJobDefinition").inputs  # fmt: skip
    published = json.loads(
        monitoring(endpoint_deployed=False, **common)
        .named("monitoring-schedule-settings", "Parameter")
        .inputs["insecureValue"]
    )["job_definition"]

    def pascal(value: Any) -> Any:
        """Recorded inputs are camelCase; API requests PascalCase ("...InGb" -> "...InGB");
        environment variables (snake_case) keep their names."""
        if isinstance(value, dict):
            return {
                k if "_" in k else (k[0].upper() + k[1:]).replace("InGb", "InGB"): pascal(v)
                for k, v in value.items()
            }
        return [pascal(v) for v in value] if isinstance(value, list) else value

    expected = pascal({k: v for k, v in created.items() if k not in ("tags", "name")})
    # The API takes a list of outputs (the provider, one) and the local paths the provider
    # defaults; the rest must be identical.
    expected["DataQualityJobOutputConfig"]["MonitoringOutputs"] = [
        expected["DataQualityJobOutputConfig"]["MonitoringOutputs"]
    ]
    expected["DataQualityJobOutputConfig"]["MonitoringOutputs"][0]["S3Output"]["LocalPath"] = (
        "/opt/ml/processing/output"
    )
    expected["DataQualityJobInput"]["EndpointInput"]["LocalPath"] = "/opt/ml/processing/input"
    assert {k: v for k, v in published.items() if k not in ("Tags", "JobDefinitionName")} == (
        expected)  # fmt: skip


def test_data_quality_off_leaves_alarms_and_dashboard_and_no_schedule_or_role() -> None:
    for deployed in (True, False):
        graph = monitoring(data_quality=False, endpoint_deployed=deployed)

        assert not {r.type for r in graph.resources} & SCHEDULE_TYPES
        assert not graph.of_type("aws:ssm/parameter:Parameter")
        assert len(graph.of_type(ALARM)) == 2
        assert graph.named("monitoring-dashboard")


def test_schedule_runs_on_the_chosen_cron() -> None:
    for schedule, cron in (("hourly", "cron(0 * ? * * *)"), ("daily", "cron(0 0 ? * * *)")):
        config = (
            monitoring(schedule=schedule)
            .named("monitoring-schedule")
            .inputs["monitoringScheduleConfig"]
        )

        assert config["monitoringType"] == "DataQuality"
        assert config["scheduleConfig"] == {"scheduleExpression": cron}


def test_data_quality_job_reads_the_endpoint_and_writes_encrypted_reports() -> None:
    job = monitoring(instance_type="ml.c5.xlarge").named("monitoring-data-quality").inputs
    image = TEST_INVOKES["aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage"]["registryPath"]

    assert job["dataQualityAppSpecification"]["imageUri"] == image
    assert job["dataQualityJobInput"] == {"endpointInput": {"endpointName": "fraud-prod"}}
    output = job["dataQualityJobOutputConfig"]
    assert output["kmsKeyId"] == KEY
    assert output["monitoringOutputs"]["s3Output"]["s3Uri"] == "s3://fraud-capture/monitoring/"
    cluster = job["jobResources"]["clusterConfig"]
    assert (cluster["instanceType"], cluster["volumeKmsKeyId"]) == ("ml.c5.xlarge", KEY)


def test_data_quality_job_is_isolated_in_the_private_subnets() -> None:
    network = monitoring().named("monitoring-data-quality").inputs["networkConfig"]

    assert network["enableNetworkIsolation"] is True
    assert network["enableInterContainerTrafficEncryption"] is True
    assert network["vpcConfig"] == {
        "subnets": ["subnet-a", "subnet-b"],
        "securityGroupIds": ["sg-1"],
    }


def test_no_email_subscription_without_an_alert_email() -> None:
    assert not monitoring().of_type("aws:sns/topicSubscription:TopicSubscription")


def test_alert_email_subscribes_to_the_topic() -> None:
    [subscription] = monitoring(alert_email="ml@example.com").of_type(
        "aws:sns/topicSubscription:TopicSubscription"
    )

    assert subscription.inputs == {
        "topic": TOPIC_ARN, "protocol": "email", "endpoint": "ml@example.com"
    }  # fmt: skip


def test_dashboard_shows_invocations_errors_latency_and_cpu_of_the_endpoint() -> None:
    graph = monitoring(region="eu-west-1")
    dashboard = graph.named("monitoring-dashboard").inputs
    body = json.loads(dashboard["dashboardBody"])
    metrics = [m for w in body["widgets"] if w["type"] == "metric"
               for m in w["properties"]["metrics"]]  # fmt: skip

    assert {m[1] for m in metrics} >= {"Invocations", "Invocation5XXErrors", "ModelLatency",
                                       "CPUUtilization"}  # fmt: skip
    assert all(m[2:6] == ["EndpointName", "fraud-prod", "VariantName", "AllTraffic"]
               for m in metrics)  # fmt: skip
    assert all(w["properties"]["region"] == "eu-west-1" for w in body["widgets"]
               if w["type"] == "metric")  # fmt: skip


def test_dashboard_url_opens_the_dashboard_in_the_region() -> None:
    urls: list[str] = []

    def build() -> None:
        component = AwsSagemakerModelMonitorMonitoring(
            "monitoring",
            AwsSagemakerModelMonitorMonitoringArgs(
                tags=TAGS, subnet_ids=["subnet-a"], security_group_id="sg-1",
                region="eu-west-1", kms_key_arn=KEY, endpoint_name="fraud-prod",
                endpoint_deployed=False, capture_uri="s3://fraud-capture/",
                capture_bucket_arn=CAPTURE,
            ),
        )  # fmt: skip
        component.dashboard_url.apply(urls.append)

    run(build)

    assert urls == [
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#dashboards:name=fraud-prod-monitoring"
    ]


def test_no_policy_allows_wildcard_actions_or_star_resources_aws_could_scope() -> None:
    documents = list(policies(monitoring()))

    assert {r.type for r, _ in documents} >= {"aws:iam/rolePolicy:RolePolicy"}
    for resource, document in documents:
        for statement in [s for s in statements(document) if s["Effect"] == "Allow"]:
            actions = as_list(statement["Action"])
            assert not any(action.endswith("*") for action in actions), resource.name
            if "*" in as_list(statement.get("Resource")):
                assert set(actions) <= UNSCOPABLE, statement


def test_monitoring_role_reads_only_the_capture_bucket_and_describes_only_the_endpoint() -> None:
    policy = json.loads(monitoring().named("monitoring-role", "RolePolicy").inputs["policy"])
    granted = {(a, r) for s in statements(policy) for a in s["Action"] for r in s["Resource"]}

    assert {r for a, r in granted if a == "s3:GetObject"} == {CAPTURE, f"{CAPTURE}/*"}
    assert {r for a, r in granted if a == "sagemaker:DescribeEndpoint"} == {
        f"arn:aws:sagemaker:us-east-1:{ACCOUNT_ID}:endpoint/fraud-prod"
    }
    assert {r for a, r in granted if a.startswith("kms:")} == {KEY}


def role_grants(graph: Graph) -> set[tuple[str, str]]:
    policy = json.loads(graph.named("monitoring-role", "RolePolicy").inputs["policy"])
    return {
        (a, r) for s in statements(policy) for a in as_list(s["Action"])
        for r in as_list(s["Resource"])
    }  # fmt: skip


def test_monitoring_role_may_pull_the_analyzer_image_the_job_runs() -> None:
    graph = monitoring()
    image = graph.named("monitoring-data-quality").inputs["dataQualityAppSpecification"]
    account, region, repository = image["imageUri"].split(".")[0], "us-east-1", "sagemaker-xgboost"
    granted = role_grants(graph)

    assert ("ecr:GetAuthorizationToken", "*") in granted
    pulled = f"arn:aws:ecr:{region}:{account}:repository/{repository}"
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"):
        assert {r for a, r in granted if a == action} == {pulled}


def test_monitoring_role_vpc_permissions_are_unscoped_as_processing_jobs_require() -> None:
    policy = json.loads(monitoring().named("monitoring-role", "RolePolicy").inputs["policy"])
    network = [s for s in statements(policy) if set(as_list(s["Action"])) & VPC_ACTIONS]

    assert {a for s in network for a in as_list(s["Action"])} == VPC_ACTIONS
    assert all(as_list(s["Resource"]) == ["*"] and "Condition" not in s for s in network)


def test_monitoring_role_may_list_the_baseline_bucket() -> None:
    granted = role_grants(monitoring(baseline_uri=BASELINE))

    assert ("s3:ListBucket", "arn:aws:s3:::fraud-baselines") in granted


def test_local_storage_instances_get_no_volume_key_but_reports_keep_it() -> None:
    # Processing jobs refuse VolumeKmsKeyId on instance types with local NVMe storage.
    job = monitoring(instance_type="ml.m5d.large").named("monitoring-data-quality").inputs
    published = monitoring(instance_type="ml.m5d.large", endpoint_deployed=False)
    requests = json.loads(published.named("monitoring-schedule-settings").inputs["insecureValue"])
    definition = requests["job_definition"]

    assert job["jobResources"]["clusterConfig"].get("volumeKmsKeyId") is None
    assert job["dataQualityJobOutputConfig"]["kmsKeyId"] == KEY
    assert "VolumeKmsKeyId" not in definition["JobResources"]["ClusterConfig"]
    assert definition["DataQualityJobOutputConfig"]["KmsKeyId"] == KEY
