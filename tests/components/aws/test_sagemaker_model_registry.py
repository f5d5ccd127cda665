"""AwsSagemakerModelRegistry: what it sends for the group, the repository and the bucket."""

from __future__ import annotations

import json
from typing import Any

from components.aws.sagemaker_model_registry.component import (
    AwsSagemakerModelRegistry,
    AwsSagemakerModelRegistryArgs,
)
from opsblocks.preview import Graph
from tests.recording import args_of, as_list, policies, run, statements

KEY = "arn:aws:kms:us-east-1:123456789012:key/registry"
TAGS = {"team": "risk", "opsblocks:capability": "registry"}
COMPONENT = "opsblocks:index:AwsSagemakerModelRegistry"


def registry(**overrides: Any) -> Graph:
    args: dict[str, Any] = {"tags": TAGS, "kms_key_arn": KEY, "access_log_bucket": "access-logs",
                            "model_package_group_name": "fraud-prod-models"}  # fmt: skip
    args.update(overrides)
    return run(
        lambda: AwsSagemakerModelRegistry(
            "registry", args_of(AwsSagemakerModelRegistryArgs, **args)
        )
    )


def test_model_package_group_has_the_explicit_name() -> None:
    group = registry().named("registry-model-group")

    assert group.inputs["modelPackageGroupName"] == "fraud-prod-models"


def test_repository_tags_are_immutable_scanned_on_push_and_kms_encrypted() -> None:
    repository = registry().named("registry-images").inputs

    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repository["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": KEY}]
    assert repository["forceDelete"] is False


def test_lifecycle_expires_only_untagged_images_beyond_the_newest() -> None:
    policy = json.loads(registry(keep_images=7).named("registry-images-lifecycle").inputs["policy"])

    # Tagged images are what model packages name and endpoints serve: never expired by count
    # (the 51st training run would otherwise delete the image a served model pulls).
    [rule] = policy["rules"]
    assert rule["selection"] == {"tagStatus": "untagged", "countType": "imageCountMoreThan",
                                 "countNumber": 7}  # fmt: skip
    assert rule["action"] == {"type": "expire"}


def test_artifact_bucket_is_kms_encrypted_and_access_logged() -> None:
    graph = registry()

    encryption = graph.named("registry-artifacts-encryption").inputs["rules"][0]
    assert encryption["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == KEY
    assert graph.named("registry-artifacts-logging").inputs["targetBucket"] == "access-logs"


def test_no_policy_allows_wildcard_actions_on_every_resource() -> None:
    documents = [d for _, d in policies(registry()) if "Statement" in d]

    assert documents, "no IAM document was recorded"
    for statement in (s for d in documents for s in statements(d)):
        actions = as_list(statement.get("Action", []))
        assert "*" not in actions
        if "*" in as_list(statement.get("Resource", [])):
            assert not any("*" in action for action in actions), statement
