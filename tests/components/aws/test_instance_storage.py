"""has_local_storage: which instance types refuse a KMS volume key, and the rules agree."""

from __future__ import annotations

import pytest

from components.aws.shared import instance_storage
from opsblocks.check.rules.aws import _instances

LOCAL = [
    "ml.m5d.large", "ml.c5d.xlarge", "ml.r5d.2xlarge", "ml.g4dn.xlarge", "ml.g5.2xlarge",
    "ml.g6.xlarge", "ml.g6e.xlarge", "ml.p3dn.24xlarge", "ml.p4d.24xlarge", "ml.p4de.24xlarge",
    "ml.p5.48xlarge", "ml.p5e.48xlarge", "ml.dl1.24xlarge", "ml.trn1.32xlarge",
    "ml.trn1n.32xlarge", "ml.c6id.large", "ml.p6-b200.48xlarge", "ml.p6-b300.48xlarge",
    "ml.p6e-gb200.36xlarge",
]  # fmt: skip
EBS = ["ml.m5.large", "ml.c5.xlarge", "ml.c5n.xlarge", "ml.p3.2xlarge", "ml.p2.xlarge",
       "ml.inf2.xlarge", "ml.t3.medium", "ml.r5.large", "local", "ml.m5"]  # fmt: skip


@pytest.mark.parametrize("instance_type", LOCAL)
def test_instance_store_types_get_no_volume_key(instance_type: str) -> None:
    assert instance_storage.has_local_storage(instance_type)
    assert instance_storage.volume_key(instance_type, "key") is None


@pytest.mark.parametrize("instance_type", EBS)
def test_ebs_types_keep_the_volume_key(instance_type: str) -> None:
    assert not instance_storage.has_local_storage(instance_type)
    assert instance_storage.volume_key(instance_type, "key") == "key"


def test_the_check_rules_judge_local_storage_as_the_components_do() -> None:
    assert instance_storage.NVME_FAMILIES == _instances.NVME_FAMILIES
    for instance_type in [*LOCAL, *EBS]:
        assert _instances.local_storage(instance_type) == instance_storage.has_local_storage(
            instance_type
        ), instance_type
