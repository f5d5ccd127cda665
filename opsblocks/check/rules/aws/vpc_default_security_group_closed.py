"""Every VPC's default security group allows no traffic."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"


def check(stack: Stack) -> Iterator[Flag]:
    for vpc in stack.of_type(VPC):
        groups = list(stack.dependents(vpc, DEFAULT_GROUP))
        if not groups:
            yield Flag(vpc, "default security group not managed: AWS's allows all between members")
        for group in groups:
            # Pulumi's DefaultSecurityGroup removes every rule it is not given.
            if group.get("ingress") or group.get("egress"):
                yield Flag(group, "default security group keeps ingress or egress rules")


RULE = Rule(
    id="OB-AWS-NET-002",
    severity=Severity.high,
    title="Every VPC's default security group is managed and has no rules",
    protects="a resource launched without a group landing in one that allows traffic",
    fix="aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id) with no ingress and no egress",
    source="AWS FSBP EC2.2",
    check=check,
)
