"""Which SageMaker instance types store their volumes on the instance (NVMe), as plain data.

SageMaker refuses a KMS volume key for them (CreateEndpointConfig `KmsKeyId`, ResourceConfig
and ProcessingClusterConfig `VolumeKmsKeyId`: "you can't request a VolumeKmsKeyId when using
an instance type with local storage"): their instance storage is encrypted by a hardware
module on the instance. Output and data-capture keys are other settings and stay.

The EC2 naming convention marks instance store volumes with a "d" after the generation (m5d,
c5d, r5d, g4dn, p3dn, p4d, p4de, c6id, ...); the families below have NVMe instance storage
without that letter (EC2 instance store tables; SageMaker names ml.g5 among its NVMe families).
A hyphenated type names its family before the "-": ml.p6-b200 and ml.p6e-gb200 are p6 and p6e.
The check rules keep the same list (opsblocks/check/rules/aws/_instances.py); a test holds
the two equal.
"""

from __future__ import annotations

import re
from typing import TypeVar

NVME_FAMILIES = frozenset(
    {"dl1", "g5", "g6", "g6e", "p5", "p5e", "p5en", "p6", "p6e", "trn1", "trn1n", "trn2"}
)
_FAMILY = re.compile(r"[a-z]+\d+([a-z]*)")
Key = TypeVar("Key")


def has_local_storage(instance_type: str) -> bool:
    """`ml.g4dn.xlarge`, `ml.m5d.large`, `ml.g5.2xlarge`, `ml.dl1.24xlarge`: yes;
    `ml.m5.large`, `ml.c5.xlarge`, `ml.p3.2xlarge`: no (EBS volumes, which take the key)."""
    parts = instance_type.split(".")
    family = parts[1] if len(parts) == 3 and parts[0] == "ml" else ""
    family = family.split("-", 1)[0]  # p6-b200, p6e-gb200: the family is p6, p6e
    shape = _FAMILY.fullmatch(family)
    return shape is not None and ("d" in shape.group(1) or family in NVME_FAMILIES)


def volume_key(instance_type: str, key: Key) -> Key | None:
    """The volume key to request for `instance_type`: `key`, or None where SageMaker refuses one."""
    return None if has_local_storage(instance_type) else key
