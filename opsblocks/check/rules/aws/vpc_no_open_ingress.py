"""No security group admits the whole internet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

OPEN = {"0.0.0.0/0", "::/0"}
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
RULE_TYPE = "aws:ec2/securityGroupRule:SecurityGroupRule"
GROUPS = (
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
)


def check(stack: Stack) -> Iterator[Flag]:
    for rule in stack.of_type(INGRESS_RULE):
        if {rule.get("cidrIpv4"), rule.get("cidrIpv6")} & OPEN:
            yield Flag(rule, "ingress from the whole internet")
    for rule in stack.of_type(RULE_TYPE):
        cidrs = {*as_list(rule.get("cidrBlocks")), *as_list(rule.get("ipv6CidrBlocks"))}
        if rule.get("type") == "ingress" and cidrs & OPEN:
            yield Flag(rule, "ingress from the whole internet")
    for group in stack.of_type(*GROUPS):
        for inline in as_list(group.get("ingress")):
            if not isinstance(inline, Mapping):
                continue
            cidrs = {*as_list(inline.get("cidrBlocks")), *as_list(inline.get("ipv6CidrBlocks"))}
            if cidrs & OPEN:
                yield Flag(group, "inline ingress from the whole internet")


RULE = Rule(
    id="OB-AWS-NET-003",
    severity=Severity.critical,
    title="No security group allows ingress from 0.0.0.0/0 or ::/0",
    protects="jobs, endpoints and VPC endpoints reachable from the internet",
    fix="ingress rules reference the workloads security group or a private CIDR, never 0.0.0.0/0",
    source="AWS FSBP EC2.18",
    check=check,
)
