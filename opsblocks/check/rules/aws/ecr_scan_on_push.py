"""Image repositories scan every pushed image."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

REPOSITORY = "aws:ecr/repository:Repository"


def check(stack: Stack) -> Iterator[Flag]:
    for repository in stack.of_type(REPOSITORY):
        scan = repository.get("imageScanningConfiguration.scanOnPush")
        if scan is not True and not is_unknown(scan):
            yield Flag(repository, "images are not scanned on push")


RULE = Rule(
    id="OB-AWS-ECR-001",
    severity=Severity.medium,
    title="ECR repositories scan images on push",
    protects="training and serving images with known vulnerabilities going unnoticed",
    fix="aws.ecr.Repository(image_scanning_configuration={'scan_on_push': True})",
    source="AWS FSBP ECR.1",
    check=check,
)
