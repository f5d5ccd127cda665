"""Image tags cannot be moved to another image."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

REPOSITORY = "aws:ecr/repository:Repository"


def check(stack: Stack) -> Iterator[Flag]:
    for repository in stack.of_type(REPOSITORY):
        mutability = repository.get("imageTagMutability") or "MUTABLE"
        if not str(mutability).startswith("IMMUTABLE") and not is_unknown(mutability):
            yield Flag(
                repository, f"image tags are {mutability}: a push can replace a served image"
            )


RULE = Rule(
    id="OB-AWS-ECR-002",
    severity=Severity.medium,
    title="ECR repositories have immutable image tags",
    protects="a pushed image silently replacing the one a trained model was registered with",
    fix="aws.ecr.Repository(image_tag_mutability='IMMUTABLE')",
    source="AWS FSBP ECR.2",
    check=check,
)
