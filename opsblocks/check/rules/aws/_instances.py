"""Which SageMaker instance types store their volumes on the instance (NVMe): SageMaker
refuses a KMS volume key for them, their storage is encrypted in hardware. The same list as
components/aws/shared/instance_storage.py (the rules import no component; a test holds them equal).

The EC2 naming convention marks instance store volumes with a "d" after the generation (m5d,
g4dn, p3dn, p4d, p4de, ...); these families have NVMe instance storage without that letter.
A hyphenated type names its family before the "-": ml.p6-b200 and ml.p6e-gb200 are p6 and p6e."""

from __future__ import annotations

import re
from typing import Any

NVME_FAMILIES = frozenset(
    {"dl1", "g5", "g6", "g6e", "p5", "p5e", "p5en", "p6", "p6e", "trn1", "trn1n", "trn2"}
)
_FAMILY = re.compile(r"[a-z]+\d+([a-z]*)")


def local_storage(instance_type: Any) -> bool:
    """ml.g4dn.xlarge, ml.m5d.large, ml.g5.2xlarge, ml.dl1.24xlarge: volumes on the instance."""
    parts = str(instance_type).split(".")
    family = parts[1] if len(parts) == 3 and parts[0] == "ml" else ""
    family = family.split("-", 1)[0]  # p6-b200, p6e-gb200: the family is p6, p6e
    shape = _FAMILY.fullmatch(family)
    return shape is not None and ("d" in shape.group(1) or family in NVME_FAMILIES)
