"""Pipelines encrypt their artifact stores with the platform key."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PIPELINE = "aws:codepipeline/pipeline:Pipeline"


def check(stack: Stack) -> Iterator[Flag]:
    for pipeline in stack.of_type(PIPELINE):
        stores = as_list(pipeline.get("artifactStores"))
        if any(is_unknown(s) for s in stores):
            continue
        for store in (s for s in stores if isinstance(s, Mapping)):
            key = store.get("encryptionKey")
            if not isinstance(key, Mapping) or key.get("type") != "KMS" or key.get("id") is None:
                yield Flag(pipeline, "artifact store uses the AWS-managed aws/s3 key")


RULE = Rule(
    id="OB-AWS-CP-001",
    severity=Severity.high,
    title="CodePipeline artifact stores encrypt with the platform KMS key",
    protects="source bundles and release artifacts readable without the platform key's policy",
    fix="Pipeline artifact_stores[].encryption_key = {'id': <platform key ARN>, 'type': 'KMS'}",
    source="MCSB DP-5",
    check=check,
)
