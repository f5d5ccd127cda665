import json

from components.aws.shared.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs
from opsblocks.preview import Graph
from tests.recording import ACCOUNT_ID, run, statements

KEY = "arn:aws:kms:us-east-1:123456789012:key/test"
TAGS = {"opsblocks:blueprint": "fraud"}


def bucket(**overrides: object) -> Graph:
    args = {"tags": TAGS, "kms_key_arn": KEY, "access_log_bucket": "logs", **overrides}
    return run(lambda: AwsSecureBucket("fraud-raw", AwsSecureBucketArgs(**args)))  # type: ignore[arg-type]


def test_bucket_blocks_every_kind_of_public_access() -> None:
    block = bucket().named("fraud-raw-public-access").inputs
    for flag in (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ):
        assert block[flag] is True


def test_bucket_encrypts_with_the_customer_managed_key() -> None:
    rule = bucket().named("fraud-raw-encryption").inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY}  # fmt: skip
    assert rule["bucketKeyEnabled"] is True


def test_bucket_without_key_uses_s3_managed_encryption() -> None:
    rule = bucket(kms_key_arn=None).named("fraud-raw-encryption").inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


def test_bucket_is_versioned_and_acls_are_disabled() -> None:
    graph = bucket()
    assert (
        graph.named("fraud-raw-versioning").inputs["versioningConfiguration"]["status"] == "Enabled"
    )
    ownership = graph.named("fraud-raw-ownership").inputs["rule"]["objectOwnership"]
    assert ownership == "BucketOwnerEnforced"


def test_bucket_policy_denies_requests_without_tls() -> None:
    policy = json.loads(bucket().named("fraud-raw-policy").inputs["policy"])
    deny = [s for s in statements(policy) if s["Effect"] == "Deny"]
    assert deny and deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_bucket_sends_access_logs_to_the_log_bucket() -> None:
    assert bucket().named("fraud-raw-logging").inputs["targetBucket"] == "logs"


def test_log_bucket_accepts_log_delivery_from_its_account_only() -> None:
    graph = bucket(kms_key_arn=None, access_log_bucket=None, log_delivery_account_id=ACCOUNT_ID)
    policy = json.loads(graph.named("fraud-raw-policy").inputs["policy"])
    delivery = [s for s in statements(policy) if s.get("Sid") == "S3ServerAccessLogDelivery"]
    assert delivery[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
    assert not [r for r in graph.resources if r.type == "aws:s3/bucketLogging:BucketLogging"]


def test_lifecycle_expires_old_versions_and_tiers_when_asked() -> None:
    rule = bucket(infrequent_access_after_days=45, noncurrent_versions_days=10).named(
        "fraud-raw-lifecycle").inputs["rules"][0]  # fmt: skip
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == 10
    assert rule["transitions"] == [{"days": 45, "storageClass": "STANDARD_IA"}]


def test_bucket_is_protected_and_retained_only_when_asked() -> None:
    assert bucket(protect=True).named("fraud-raw").protect is True
    assert bucket(protect=True).named("fraud-raw").retain_on_delete is True
    assert bucket().named("fraud-raw").protect is False


def test_bucket_carries_the_tags() -> None:
    assert bucket().named("fraud-raw").inputs["tags"] == TAGS


def test_current_objects_expire_only_when_asked() -> None:
    expiring = bucket(expire_after_days=90).named("fraud-raw-lifecycle").inputs["rules"][0]
    kept = bucket().named("fraud-raw-lifecycle").inputs["rules"][0]
    assert expiring["expiration"] == {"days": 90}
    assert "expiration" not in kept
