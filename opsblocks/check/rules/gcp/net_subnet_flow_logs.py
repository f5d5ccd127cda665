"""Subnets record VPC flow logs.

CIS GCP 3.8 also wants every flow sampled (flow_sampling 1.0); the foundation samples half of
them (0.5) on purpose, for cost, so this rule asks for flow logs on and any non-zero sampling.
"""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._network import vm_subnets


def check(stack: Stack) -> Iterator[Flag]:
    for subnet in vm_subnets(stack):
        config = subnet.get("logConfig")
        if is_unknown(config):
            continue
        if not config:
            yield Flag(subnet, "subnet without VPC flow logs (log_config not set)")
        elif subnet.get("logConfig.flowSampling") == 0:
            yield Flag(subnet, "subnet flow logs sample nothing (flow_sampling is 0)")


RULE = Rule(
    id="OB-GCP-NET-002",
    severity=Severity.medium,
    title="Subnets record VPC flow logs",
    protects="no record of which notebook or job talked to which address when data leaves",
    fix="set log_config=SubnetworkLogConfigArgs(aggregation_interval=..., flow_sampling=0.5, ...)",
    source="CIS GCP 3.8 (partly: logs on, any sampling)",
    check=check,
)
