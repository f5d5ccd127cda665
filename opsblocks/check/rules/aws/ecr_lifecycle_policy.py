"""Image repositories expire old images."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack
from opsblocks.check.rule import Flag, Rule, Severity

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"


def check(stack: Stack) -> Iterator[Flag]:
    for repository in stack.of_type(REPOSITORY):
        if not any(stack.dependents(repository, LIFECYCLE)):
            yield Flag(repository, "no lifecycle policy: every image is kept, and paid for")


RULE = Rule(
    id="OB-AWS-ECR-003",
    severity=Severity.low,
    title="ECR repositories have a lifecycle policy",
    protects="old, unpatched images piling up and staying pullable",
    fix="aws.ecr.LifecyclePolicy for the repository, expiring images past a count or age",
    source="AWS FSBP ECR.3",
    check=check,
)
