"""Image repositories encrypt with the platform key."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

REPOSITORY = "aws:ecr/repository:Repository"


def check(stack: Stack) -> Iterator[Flag]:
    for repository in stack.of_type(REPOSITORY):
        configs = [
            c
            for c in as_list(repository.get("encryptionConfigurations"))
            if isinstance(c, Mapping) or is_unknown(c)
        ]
        if any(is_unknown(c) for c in configs):
            continue
        if not any(
            c.get("encryptionType") in ("KMS", "KMS_DSSE") and c.get("kmsKey") for c in configs
        ):
            yield Flag(repository, "not encrypted with a customer-managed KMS key")


RULE = Rule(
    id="OB-AWS-ECR-004",
    severity=Severity.high,
    title="ECR repositories encrypt images with the platform KMS key",
    protects="model images, which embed code and sometimes weights, readable outside the key",
    fix="aws.ecr.Repository(encryption_configurations=[{'encryption_type': 'KMS', 'kms_key': k}])",
    source="AWS Config: ecr-repository-cmk-encryption-enabled",
    check=check,
)
