import ipaddress
import json

from components.aws.foundation import (
    INTERFACE_ENDPOINTS,
    AwsFoundation,
    AwsFoundationArgs,
    _subnet_cidr,
    public_subnet_cidr,
)
from opsblocks.preview import Graph
from tests.recording import as_list, run, statements

TAGS = {"opsblocks:blueprint": "fraud", "team": "risk"}


def foundation(**overrides: object) -> Graph:
    args = {"tags": TAGS, "region": "us-east-1", **overrides}
    return run(lambda: AwsFoundation("fraud", AwsFoundationArgs(**args)))  # type: ignore[arg-type]


def test_key_rotates_and_is_protected_in_prod() -> None:
    key = foundation(protect=True).named("fraud-key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.protect and key.retain_on_delete


def test_key_policy_lets_logs_use_the_key_only_for_this_account() -> None:
    policy = json.loads(foundation().named("fraud-key").inputs["policy"])
    logs = next(
        s
        for s in statements(policy)
        if s["Principal"].get("Service") == "logs.us-east-1.amazonaws.com"
    )
    condition = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert condition == "arn:aws:logs:us-east-1:123456789012:*"


def test_subnets_are_private_one_per_zone() -> None:
    graph = foundation(availability_zones=3)
    subnets = graph.of_type("aws:ec2/subnet:Subnet")
    assert len(subnets) == 3
    assert {s.inputs["availabilityZone"] for s in subnets} == {
        "us-east-1a",
        "us-east-1b",
        "us-east-1c",
    }
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
    assert not graph.of_type("aws:ec2/internetGateway:InternetGateway")
    assert not graph.of_type("aws:ec2/natGateway:NatGateway")


def test_subnet_ranges_do_not_overlap() -> None:
    cidrs = [
        s.inputs["cidrBlock"]
        for s in foundation(availability_zones=3).of_type("aws:ec2/subnet:Subnet")
    ]
    assert sorted(cidrs) == ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]


def test_vpc_endpoints_reach_s3_and_every_sagemaker_dependency() -> None:
    services = {
        e.inputs["serviceName"]: e.inputs
        for e in foundation().of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    }
    assert services["com.amazonaws.us-east-1.s3"]["vpcEndpointType"] == "Gateway"
    for service in INTERFACE_ENDPOINTS:
        endpoint = services[f"com.amazonaws.us-east-1.{service}"]
        assert endpoint["vpcEndpointType"] == "Interface"
        assert endpoint["privateDnsEnabled"] is True


def test_workload_group_sends_traffic_only_to_itself_and_s3() -> None:
    graph = foundation()
    egress = graph.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert all("cidrIpv4" not in rule.inputs for rule in egress)
    ingress = graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert all("cidrIpv4" not in rule.inputs for rule in ingress)
    default_group = graph.named("fraud-default-sg").inputs
    assert "ingress" not in default_group and "egress" not in default_group


def test_flow_logs_and_log_group_are_retained_and_encrypted() -> None:
    graph = foundation(log_retention_days=365)
    logs = graph.named("fraud-logs", "LogGroup").inputs
    assert logs["retentionInDays"] == 365
    assert "kmsKeyId" in logs
    assert graph.named("fraud-flow-logs").inputs["trafficType"] == "ALL"


def key_statements_for(service: str) -> list[dict[str, object]]:
    policy = json.loads(foundation().named("fraud-key").inputs["policy"])
    return [s for s in statements(policy) if service in as_list(s["Principal"].get("Service"))]


def test_eventbridge_may_use_the_key_without_source_conditions_sns_does_not_support() -> None:
    # SNS: aws:SourceAccount, aws:SourceArn and aws:SourceOrgID are not supported in a KMS key
    # policy for EventBridge-to-encrypted-topic delivery: with them, no rule ever publishes.
    [events] = key_statements_for("events.amazonaws.com")
    assert set(as_list(events["Action"])) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert "Condition" not in events
    assert as_list(events["Principal"]["Service"]) == ["events.amazonaws.com"]


def test_cloudwatch_alarms_use_the_key_only_for_this_accounts_alarms() -> None:
    [alarms] = key_statements_for("cloudwatch.amazonaws.com")
    assert set(as_list(alarms["Action"])) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert alarms["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"},
    }


def test_access_logs_expire_after_the_log_retention() -> None:
    rule = foundation(log_retention_days=365).named("fraud-access-logs-lifecycle").inputs["rules"]
    [expiring] = [r for r in rule if "expiration" in r]
    assert expiring["expiration"] == {"days": 365}
    # The delete marker expiration leaves behind goes one day later, with the logged version.
    assert expiring["noncurrentVersionExpiration"] == {"noncurrentDays": 1}


def test_each_zone_has_a_private_route_table_of_its_own_and_no_internet_route() -> None:
    graph = foundation(availability_zones=3)
    tables = graph.of_type("aws:ec2/routeTable:RouteTable")
    assert sorted(t.name for t in tables) == ["fraud-private", "fraud-private-2", "fraud-private-3"]
    associations = graph.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
    assert len({a.inputs["routeTableId"] for a in associations}) == 3
    s3 = graph.named("fraud-s3")
    assert len(s3.inputs["routeTableIds"]) == 3
    assert not graph.of_type("aws:ec2/route:Route")


def test_public_subnet_ranges_stay_clear_of_the_private_ones() -> None:
    private = [ipaddress.ip_network(_subnet_cidr("10.0.0.0/16", i)) for i in range(15)]
    public = [ipaddress.ip_network(public_subnet_cidr("10.0.0.0/16", i)) for i in range(3)]
    assert [str(p) for p in public] == ["10.0.240.0/24", "10.0.241.0/24", "10.0.242.0/24"]
    assert not any(p.overlaps(q) for p in public for q in private)
