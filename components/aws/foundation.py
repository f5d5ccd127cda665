"""The AWS foundation every capability shares: key, network, logs, access-log bucket."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.shared import iam
from components.aws.shared.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs

# Interface endpoints that SageMaker jobs and endpoints in private subnets need to reach AWS.
INTERFACE_ENDPOINTS = ("sagemaker.api", "sagemaker.runtime", "ecr.api", "ecr.dkr", "logs", "sts")


@dataclass(frozen=True, kw_only=True)
class AwsFoundationArgs:
    tags: Mapping[str, str]
    region: str
    protect: bool = False
    """Protect and retain the key and the logs."""
    availability_zones: int = 2
    log_retention_days: int = 30
    vpc_cidr: str = "10.0.0.0/16"


class AwsFoundation(pulumi.ComponentResource):
    account_id: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]
    """Customer-managed key (rotation on) that encrypts every store of the platform."""
    vpc_id: pulumi.Output[str]
    private_subnet_ids: pulumi.Output[list[str]]
    """Subnets without a route to the internet; AWS is reached through VPC endpoints."""
    private_route_table_ids: pulumi.Output[list[str]]
    """One per private subnet, in the same order: no route to the internet of their own."""
    vpc_cidr: str
    security_group_id: pulumi.Output[str]
    """Group of jobs, endpoints and VPC endpoints: traffic only among its members and to S3."""
    access_log_bucket: pulumi.Output[str]
    """Bucket receiving the server access logs of every other bucket."""
    log_group_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: AwsFoundationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AwsFoundation", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        tags = dict(args.tags)
        partition = iam.aws_partition(args.region)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id

        key = aws.kms.Key(
            f"{name}-key",
            description=f"opsblocks {name}: encrypts the platform's data, models and logs",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=_key_policy(args.region, partition, account_id),
            tags=tags,
            opts=stateful,
        )
        aws.kms.Alias(f"{name}-key-alias", name_prefix=f"alias/{name}-", target_key_id=key.key_id,
                      opts=child)  # fmt: skip

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name_prefix=f"/opsblocks/{name}/",
            retention_in_days=args.log_retention_days,
            kms_key_id=key.arn,
            tags=tags,
            opts=stateful,
        )

        access_logs = AwsSecureBucket(
            f"{name}-access-logs",
            AwsSecureBucketArgs(
                tags=tags,
                protect=args.protect,
                # S3 server access logging cannot deliver to SSE-KMS buckets: SSE-S3 here.
                kms_key_arn=None,
                log_delivery_account_id=account_id,
                # Kept as long as the other logs, then gone: log objects are never rewritten,
                # so the version an expiry leaves behind need not outlive it by more than a day.
                expire_after_days=args.log_retention_days,
                noncurrent_versions_days=1,
            ),
            opts=child,
        )

        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=args.vpc_cidr, enable_dns_support=True,
                          enable_dns_hostnames=True, tags=tags, opts=child)  # fmt: skip
        # Strip the default security group of all rules so nothing can use it by accident.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, tags=tags, opts=child)
        self._flow_logs(name, vpc, log_group, tags)

        zones = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        ).names
        # One route table per zone, so a tool that adds internet egress can route each zone to
        # a NAT gateway of its own. The first keeps the name the single shared table had.
        route_tables = [
            aws.ec2.RouteTable(f"{name}-private" + (f"-{index + 1}" if index else ""),
                               vpc_id=vpc.id, tags=tags, opts=child)
            for index in range(args.availability_zones)
        ]  # fmt: skip
        subnets = []
        for index, route_table in enumerate(route_tables):
            subnet = aws.ec2.Subnet(
                f"{name}-private-{index + 1}",
                vpc_id=vpc.id,
                cidr_block=_subnet_cidr(args.vpc_cidr, index),
                availability_zone=zones[index],
                map_public_ip_on_launch=False,
                tags={**tags, "Name": f"{name}-private-{index + 1}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(f"{name}-private-{index + 1}", subnet_id=subnet.id,
                                          route_table_id=route_table.id, opts=child)  # fmt: skip
            subnets.append(subnet)

        s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[t.id for t in route_tables],
            tags=tags,
            opts=child,
        )
        group = self._security_group(name, vpc, s3_endpoint, tags)
        for service in INTERFACE_ENDPOINTS:
            aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in subnets],
                security_group_ids=[group.id],
                tags=tags,
                opts=child,
            )

        self.account_id = account_id
        self.kms_key_arn = key.arn
        self.vpc_id = vpc.id
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in subnets])
        self.private_route_table_ids = pulumi.Output.all(*[t.id for t in route_tables])
        self.vpc_cidr = args.vpc_cidr
        self.security_group_id = group.id
        self.access_log_bucket = access_logs.bucket
        self.log_group_name = log_group.name
        self.register_outputs(
            {
                "kms_key_arn": self.kms_key_arn,
                "vpc_id": self.vpc_id,
                "private_subnet_ids": self.private_subnet_ids,
                "private_route_table_ids": self.private_route_table_ids,
                "security_group_id": self.security_group_id,
                "access_log_bucket": self.access_log_bucket,
                "log_group_name": self.log_group_name,
            }
        )

    def _security_group(
        self, name: str, vpc: aws.ec2.Vpc, s3_endpoint: aws.ec2.VpcEndpoint, tags: dict[str, str]
    ) -> aws.ec2.SecurityGroup:
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(
            f"{name}-workloads",
            vpc_id=vpc.id,
            description="opsblocks SageMaker jobs, endpoints and VPC endpoints",
            tags=tags,
            opts=child,
        )
        # Members talk to each other (distributed training, interface endpoints) ...
        aws.vpc.SecurityGroupIngressRule(f"{name}-workloads-from-self", security_group_id=group.id,
                                         referenced_security_group_id=group.id, ip_protocol="-1",
                                         tags=tags, opts=child)  # fmt: skip
        aws.vpc.SecurityGroupEgressRule(f"{name}-workloads-to-self", security_group_id=group.id,
                                        referenced_security_group_id=group.id, ip_protocol="-1",
                                        tags=tags, opts=child)  # fmt: skip
        # ... and to S3 through the gateway endpoint; nothing else leaves the group.
        aws.vpc.SecurityGroupEgressRule(f"{name}-workloads-to-s3", security_group_id=group.id,
                                        prefix_list_id=s3_endpoint.prefix_list_id,
                                        ip_protocol="tcp", from_port=443, to_port=443,
                                        tags=tags, opts=child)  # fmt: skip
        return group

    def _flow_logs(
        self, name: str, vpc: aws.ec2.Vpc, log_group: aws.cloudwatch.LogGroup, tags: dict[str, str]
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        role, _ = iam.service_role(
            f"{name}-flow-logs-role",
            "vpc-flow-logs.amazonaws.com",
            iam.document(
                iam.allow(
                    ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    [pulumi.Output.concat(log_group.arn, ":*")],
                )
            ),
            tags,
            parent=self,
        )
        aws.ec2.FlowLog(f"{name}-flow-logs", vpc_id=vpc.id, traffic_type="ALL",
                        log_destination_type="cloud-watch-logs", log_destination=log_group.arn,
                        iam_role_arn=role.arn, tags=tags, opts=child)  # fmt: skip


def _subnet_cidr(vpc_cidr: str, index: int) -> str:
    """The index-th /20 of the VPC range (16 of them in a /16)."""
    return str(list(ipaddress.ip_network(vpc_cidr).subnets(new_prefix=20))[index])


def public_subnet_cidr(vpc_cidr: str, index: int) -> str:
    """The index-th /24 of the VPC range's last /20, which the private subnets (the first
    /20s, one per zone) never reach: room for the public subnets a tool adds."""
    last = list(ipaddress.IPv4Network(vpc_cidr).subnets(new_prefix=20))[-1]
    return str(list(last.subnets(new_prefix=24))[index])


def _key_policy(region: str, partition: str, account_id: pulumi.Output[str]) -> pulumi.Output[str]:
    root = pulumi.Output.concat(f"arn:{partition}:iam::", account_id, ":root")
    return iam.document(
        {
            "Sid": "AccountAdministersKeyThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "CloudWatchLogsEncryptsThisAccountsLogs",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                       "kms:Describe*"],
            "Resource": "*",
            "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": pulumi.Output.concat(
                f"arn:{partition}:logs:{region}:", account_id, ":*")}},
        },
        # SNS documents these two statements for event sources that publish to encrypted
        # topics. Only CloudWatch alarms carry aws:SourceAccount/aws:SourceArn to KMS ...
        {
            "Sid": "ThisAccountsAlarmsPublishToEncryptedTopics",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": pulumi.Output.concat(
                    f"arn:{partition}:cloudwatch:{region}:", account_id, ":alarm:*")},
            },
        },
        # ... EventBridge does not: SNS says those conditions are not supported for
        # EventBridge-to-encrypted-topic delivery (every publish would fail at KMS). Each topic's
        # own policy says which rules may publish to it.
        {
            "Sid": "EventRulesPublishToEncryptedTopics",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        },
    )  # fmt: skip
