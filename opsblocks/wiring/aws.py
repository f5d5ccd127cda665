"""AWS: the provider and the foundation; then every tool, in dependency order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import pulumi
import pulumi_aws as aws

from components.aws.foundation import AwsFoundation, AwsFoundationArgs
from opsblocks import contracts
from opsblocks.blueprint import Blueprint
from opsblocks.contracts import aws as aws_contracts
from opsblocks.environment import profile
from opsblocks.providers import stack_settings
from opsblocks.tags import platform_tags
from opsblocks.wiring import Given, Site, build_tools


class CommonInputs(TypedDict):
    region: str
    kms_key_arn: pulumi.Output[str]


class StoreInputs(TypedDict):
    kms_key_arn: pulumi.Output[str]
    access_log_bucket: pulumi.Output[str]
    protect: bool


class NetworkInputs(TypedDict):
    subnet_ids: pulumi.Output[list[str]]
    security_group_id: pulumi.Output[str]


@dataclass(frozen=True)
class AwsSite(Site[aws_contracts.AwsFoundation]):
    @property
    def tags(self) -> dict[str, str]:
        return tags(self.blueprint, self.capability, self.tool)

    @property
    def common(self) -> CommonInputs:
        """The region and the platform key, for components that take both but not `stores`."""
        return {"region": self.region, "kms_key_arn": self.foundation.kms_key_arn}

    @property
    def stores(self) -> StoreInputs:
        """What every stateful component takes: the key, the access logs, protection."""
        return {"kms_key_arn": self.foundation.kms_key_arn,
                "access_log_bucket": self.foundation.access_log_bucket,
                "protect": self.env.protect_data}  # fmt: skip

    @property
    def network(self) -> NetworkInputs:
        """The private subnets and the security group jobs and endpoints run in."""
        return {"subnet_ids": self.foundation.subnet_ids,
                "security_group_id": self.foundation.security_group_id}  # fmt: skip


def tags(bp: Blueprint, capability: str, tool: str) -> dict[str, str]:
    return platform_tags(blueprint=bp.name, environment=bp.environment.value,
                         capability=capability, tool=tool, extra=bp.tags)  # fmt: skip


def build(bp: Blueprint) -> contracts.StackOutputs:
    env = profile(bp.environment)
    # The blueprint decides the region, whatever the shell's AWS_REGION says; the rest of the
    # provider's settings (profile, assume-role, allowed accounts, ...) come from the stack.
    provider = aws.Provider(
        "aws", **stack_settings("aws", aws.ProviderArgs, decided={"region": bp.region})
    )
    opts = pulumi.ResourceOptions(providers=[provider])
    base = AwsFoundation(
        bp.name,
        AwsFoundationArgs(
            tags=tags(bp, "foundation", "foundation"),
            region=bp.region,
            protect=env.protect_data,
            availability_zones=env.availability_zones,
            log_retention_days=env.log_retention_days,
        ),
        opts,
    )
    foundation = aws_contracts.AwsFoundation(
        kms_key_arn=base.kms_key_arn,
        access_log_bucket=base.access_log_bucket,
        vpc_id=base.vpc_id,
        subnet_ids=base.private_subnet_ids,
        private_route_table_ids=base.private_route_table_ids,
        vpc_cidr=base.vpc_cidr,
        security_group_id=base.security_group_id,
    )

    def at(capability: str, tool: str, given: Given) -> AwsSite:
        return AwsSite(bp, foundation, capability, tool, opts, given)

    return foundation.outputs() | build_tools(bp, at)
