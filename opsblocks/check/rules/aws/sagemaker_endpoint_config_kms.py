"""Endpoint configurations encrypt their volumes and captured data with the platform key."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
NVME_FAMILIES = frozenset({"g5", "g6", "g6e", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2"})


def _local_storage(instance_type: Any) -> bool:
    """ml.g4dn.xlarge, ml.m5d.large, ml.g5.2xlarge: instance storage, encrypted in hardware."""
    parts = str(instance_type).split(".")
    family = parts[1] if len(parts) == 3 and parts[0] == "ml" else ""
    shape = re.fullmatch(r"[a-z]+\d+([a-z-]*)", family)
    return shape is not None and ("d" in shape.group(1) or family in NVME_FAMILIES)


def check(stack: Stack) -> Iterator[Flag]:
    for config in stack.of_type(CONFIG):
        variants = [v for v in as_list(config.get("productionVariants")) if isinstance(v, Mapping)]
        # Instances with local NVMe storage encrypt it in hardware and refuse a key (SM-007).
        local = variants and all(_local_storage(v.get("instanceType")) for v in variants)
        if config.get("kmsKeyArn") is None and not local:
            yield Flag(config, "no kms_key_arn: instance storage is not encrypted with the key")
        capture = config.get("dataCaptureConfig")
        if (
            isinstance(capture, Mapping)
            and capture.get("enableCapture") is not False
            and capture.get("kmsKeyId") is None
        ):
            yield Flag(config, "captured requests and responses are not encrypted with the key")


RULE = Rule(
    id="OB-AWS-SM-002",
    severity=Severity.high,
    title="Endpoint configurations encrypt storage and data capture with the platform KMS key",
    protects="model artefacts on instance storage and captured inference data without the key",
    fix="EndpointConfiguration(kms_key_arn=key, data_capture_config.kms_key_id=key)",
    source="AWS Config: sagemaker-endpoint-configuration-kms-key-configured",
    check=check,
)
