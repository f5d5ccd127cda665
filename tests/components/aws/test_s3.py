import json

from components.aws.s3.component import AwsS3Data, AwsS3DataArgs
from opsblocks.preview import Graph
from tests.recording import args_of, run, statements

KEY = "arn:aws:kms:us-east-1:123456789012:key/test"
TAGS = {"opsblocks:capability": "data"}


def data(**overrides: object) -> Graph:
    args = {"tags": TAGS, "kms_key_arn": KEY, "access_log_bucket": "logs",
            "database_name": "fraud-prod-data", **overrides}  # fmt: skip
    return run(lambda: AwsS3Data("fraud-data", args_of(AwsS3DataArgs, **args)))


def test_raw_and_curated_buckets_are_secure_buckets() -> None:
    graph = data()
    buckets = {r.name for r in graph.of_type("opsblocks:index:AwsSecureBucket")}
    assert buckets == {"fraud-data-raw", "fraud-data-curated"}


def test_buckets_and_catalog_are_protected_when_asked() -> None:
    graph = data(protect=True)
    for name in ("fraud-data-raw", "fraud-data-curated", "fraud-data-catalog"):
        assert graph.named(name).protect, name


def test_crawler_covers_both_zones_on_its_schedule() -> None:
    crawler = data(crawler_schedule="cron(0 5 * * ? *)").named("fraud-data-crawler").inputs
    assert crawler["schedule"] == "cron(0 5 * * ? *)"
    assert len(crawler["s3Targets"]) == 2


def test_crawler_role_reads_only_the_data_buckets() -> None:
    policy = json.loads(data().named("fraud-data-crawler-role", "RolePolicy").inputs["policy"])
    s3 = [s for s in statements(policy) if any(a.startswith("s3:") for a in s["Action"])]
    assert len(s3) == 1
    assert not {"s3:PutObject", "s3:DeleteObject"} & set(s3[0]["Action"])


def test_glue_database_name_is_valid_for_glue() -> None:
    assert data().named("fraud-data-catalog").inputs["name"] == "fraud_prod_data"
