"""Endpoint configurations encrypt their volumes and captured data with the platform key."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._instances import local_storage

CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"


def check(stack: Stack) -> Iterator[Flag]:
    for config in stack.of_type(CONFIG):
        variants = [v for v in as_list(config.get("productionVariants")) if isinstance(v, Mapping)]
        # Instances with local NVMe storage encrypt it in hardware, and CreateEndpointConfig
        # refuses a key when any variant runs on one (SM-007).
        local = any(local_storage(v.get("instanceType")) for v in variants)
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
