"""Models and monitoring jobs run network-isolated, in the platform's VPC."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

MODEL = "aws:sagemaker/model:Model"
JOBS = (
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
    "aws:sagemaker/modelQualityJobDefinition:ModelQualityJobDefinition",
)


def check(stack: Stack) -> Iterator[Flag]:
    for model in stack.of_type(MODEL):
        if model.get("enableNetworkIsolation") is not True:
            yield Flag(model, "network isolation is off: the container can call out")
        if stack.prod and model.get("vpcConfig") is None:
            yield Flag(model, "prod model runs outside the platform's VPC")
    for job in stack.of_type(*JOBS):
        if job.get("networkConfig.enableNetworkIsolation") is not True:
            yield Flag(job, "network isolation is off: the job container can call out")
        if stack.prod and job.get("networkConfig.vpcConfig") is None:
            yield Flag(job, "prod job runs outside the platform's VPC")


RULE = Rule(
    id="OB-AWS-SM-003",
    severity=Severity.medium,
    title="Models and monitoring jobs are network-isolated, and in prod run in the VPC",
    protects="a compromised model image sending data or credentials out to the internet",
    fix="Model(enable_network_isolation=True, vpc_config=...); job network_config the same",
    source="AWS Config: sagemaker-model-isolation-enabled, sagemaker-data-quality-job-isolation, "
    "sagemaker-model-quality-job-definition-isolation",
    check=check,
)
