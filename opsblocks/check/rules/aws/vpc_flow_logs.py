"""Every VPC records its traffic."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"


def check(stack: Stack) -> Iterator[Flag]:
    for vpc in stack.of_type(VPC):
        logs = list(stack.dependents(vpc, FLOW_LOG))
        if not logs:
            yield Flag(vpc, "no flow log")
        elif not any(f.get("trafficType") in ("ALL", "REJECT") for f in logs):
            yield Flag(vpc, "flow logs record accepted traffic only, not rejected")


RULE = Rule(
    id="OB-AWS-NET-001",
    severity=Severity.medium,
    title="Every VPC has a flow log recording rejected (or all) traffic",
    protects="no trace of a compromised job scanning the network or reaching out",
    fix="aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type='ALL') to the platform's log group",
    source="AWS FSBP EC2.6",
    check=check,
)
