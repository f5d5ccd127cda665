from components.gcp.shared.secure_bucket import GcpSecureBucket, GcpSecureBucketArgs
from opsblocks.preview import Graph
from tests.recording import run

KEY = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k"


def bucket(**overrides: object) -> Graph:
    args = {"labels": {"team": "ml"}, "project": "p", "region": "us-central1", "kms_key_id": KEY,
            "access_log_bucket": "logs", **overrides}  # fmt: skip
    return run(lambda: GcpSecureBucket("forecast-raw", GcpSecureBucketArgs(**args)))  # type: ignore[arg-type]


def test_bucket_is_private_uniform_and_encrypted_with_the_key() -> None:
    inputs = bucket().named("forecast-raw").inputs
    assert inputs["publicAccessPrevention"] == "enforced"
    assert inputs["uniformBucketLevelAccess"] is True
    assert inputs["encryption"] == {"defaultKmsKeyName": KEY}
    assert inputs["forceDestroy"] is False


def test_bucket_keeps_versions_and_logs_usage() -> None:
    inputs = bucket().named("forecast-raw").inputs
    assert inputs["versioning"] == {"enabled": True}
    assert inputs["logging"] == {"logBucket": "logs"}


def test_lifecycle_deletes_old_versions_and_moves_to_nearline_when_asked() -> None:
    rules = bucket(nearline_after_days=45).named("forecast-raw").inputs["lifecycleRules"]
    actions = {rule["action"]["type"] for rule in rules}
    assert actions == {"Delete", "SetStorageClass"}
    assert len(bucket().named("forecast-raw").inputs["lifecycleRules"]) == 1


def test_bucket_is_protected_only_when_asked() -> None:
    assert bucket(protect=True).named("forecast-raw").protect
    assert not bucket().named("forecast-raw").protect
