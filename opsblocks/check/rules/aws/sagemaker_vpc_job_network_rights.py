"""Roles that run SageMaker jobs in a VPC may manage the jobs' network interfaces anywhere."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase

from opsblocks.check.graph import Node, Stack, as_list, document, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._iam import policies_of

ROLE = "aws:iam/role:Role"
JOBS = (
    "aws:sagemaker/pipeline:Pipeline",
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
    "aws:sagemaker/modelQualityJobDefinition:ModelQualityJobDefinition",
)
PARAMETER = "aws:ssm/parameter:Parameter"
NETWORK = ("aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup")
# SageMaker's execution role documentation: for jobs in a VPC, on "*", not scoped, or the
# validation run when the job is created fails.
VPC_JOB_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
)


def _jobs_from_settings(stack: Stack) -> list[Node]:
    """Parameters from which CI/CD creates jobs (a monitoring job definition for an endpoint the
    deploy stage owns): their role runs those jobs."""
    found = []
    for parameter in stack.of_type(PARAMETER):
        text = str(parameter.get("insecureValue") or parameter.get("value") or "")
        job = any(
            k in text for k in ('"JobResources"', '"ResourceConfig"', '"ProcessingResources"')
        )
        if job and '"VpcConfig"' in text:
            found.append(parameter)
    return found


def _in_vpc(stack: Stack, job: Node) -> bool:
    return any(n.urn in job.dependencies for n in stack.of_type(*NETWORK)) or bool(
        job.get("networkConfig.vpcConfig")
    )


def check(stack: Stack) -> Iterator[Flag]:
    for job in [*stack.of_type(*JOBS), *_jobs_from_settings(stack)]:
        if job.type != PARAMETER and not _in_vpc(stack, job):
            continue
        for role in (r for r in stack.of_type(ROLE) if r.urn in job.dependencies):
            texts = [p.get("policy") for p in policies_of(stack, role)]
            if not texts or any(t is None or is_unknown(t) for t in texts):
                continue
            unscoped = [
                str(a).lower()
                for t in texts
                for s in as_list(document(t).get("Statement"))
                if isinstance(s, Mapping)
                and s.get("Effect") == "Allow"
                and "*" in as_list(s.get("Resource"))
                and not s.get("Condition")
                for a in as_list(s.get("Action"))
            ]
            missing = [
                a for a in VPC_JOB_ACTIONS if not any(fnmatchcase(a.lower(), p) for p in unscoped)
            ]
            if missing:
                yield Flag(role, f"runs {job.name} in a VPC without {', '.join(missing)} on *")


RULE = Rule(
    id="OB-AWS-SM-005",
    severity=Severity.high,
    title="Roles that run SageMaker jobs in a VPC hold the unscoped network-interface rights",
    protects="the first training or monitoring job failing when SageMaker validates the role",
    fix="job role: Allow ec2 CreateNetworkInterface, Describe*, Delete* ... on Resource *",
    source="opsblocks deploy review: SageMaker VPC jobs need unscoped ENI permissions",
    check=check,
)
