"""The price book: the shipped one is complete and honest about its sources; a user's file is
laid over it; any bad file is a one-line CostError naming the field and the file:line."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from opsblocks.cost.book import BOOKS, load_book
from opsblocks.cost.model import Classification
from opsblocks.errors import CostError

ROOT = Path(__file__).parents[3]
INVALID = sorted((ROOT / "tests" / "fixtures" / "prices").glob("*.yaml"))
CLOUDS = sorted(book.stem for book in BOOKS.glob("*.yaml"))
REGIONS = {
    "aws": ("us-east-1", "us-west-2", "eu-west-1"),
    "azure": ("eastus", "westeurope"),
    "gcp": ("us-central1", "europe-west4"),
}
# The packages of each cloud's resource types. Every cloud's tools may generate passwords
# (pulumi-random: no cloud resource, free) and install portable tools (Kubernetes objects);
# AKS waits for a grant to propagate (pulumiverse-time: no cloud resource, free).
PORTABLE = ("kubernetes:", "random:")
PACKAGES = {"aws": ("aws:", *PORTABLE),
            "azure": ("azure-native:", "azuredevops:", "time:", *PORTABLE),
            "gcp": ("gcp:", *PORTABLE)}  # fmt: skip
AWS_REGIONS, AZURE_REGIONS = REGIONS["aws"], REGIONS["azure"]

# The published list prices of ../shared/reference/list-prices.md, by cloud and (SKU,
# attribute, region): the only prices a book may ship without `estimate: true`. Azure's also
# come from Infracost's Azure price tests (internal/providers/terraform/azure/testdata/*.golden),
# each in the region the test runs in, and the Azure DevOps pricing page.
PUBLISHED = {
    "aws": {
        ("sagemaker-hosting", "ml.m5.large", "us-east-1"): Decimal("0.115"),
        ("sagemaker-hosting", "ml.m5.xlarge", "us-east-1"): Decimal("0.23"),
        ("sagemaker-training", "ml.m5.xlarge", "us-east-1"): Decimal("0.23"),
        ("sagemaker-training", "ml.g5.xlarge", "us-east-1"): Decimal("1.408"),
        ("s3-storage", "standard", "us-east-1"): Decimal("0.023"),
        ("ecr-storage", "storage", "us-east-1"): Decimal("0.10"),
        ("nat-gateway", "gateway", "us-east-1"): Decimal("0.045"),
        ("nat-gateway-data", "processed", "us-east-1"): Decimal("0.045"),  # golden nat_gateway
        ("cloudwatch-alarm", "standard", "us-east-1"): Decimal("0.10"),
        ("cloudwatch-alarm", "high-resolution", "us-east-1"): Decimal("0.30"),
        ("codebuild", "general1.small", "us-east-1"): Decimal("0.005"),
        ("eks-cluster", "standard", "us-east-1"): Decimal("0.10"),  # golden eks_cluster
        ("eks-cluster", "extended", "us-east-1"): Decimal("0.60"),
        # golden db_instance_test (us-east-1): postgres db.t3.large, gp3 storage, backups
        ("rds-postgres", "db.t3.large", "us-east-1"): Decimal("0.145"),
        ("rds-storage", "gp3", "us-east-1"): Decimal("0.115"),
        ("rds-backup-storage", "backup", "us-east-1"): Decimal("0.095"),
        # The CodePipeline page gives one price for every region.
        **{("codepipeline-v2", "action-minutes", r): Decimal("0.002") for r in AWS_REGIONS},
        **{("codepipeline-v1", "active-pipeline", r): Decimal("1.00") for r in AWS_REGIONS},
    },
    "azure": {
        ("azureml-vm", "Standard_DS3_v2", "eastus"): Decimal("0.293"),  # 12
        ("azureml-vm", "Standard_DS2_v2", "eastus"): Decimal("0.146"),  # golden kubernetes_cluster
        # golden machine_learning_compute_cluster (West Europe)
        ("azureml-vm", "Standard_D4s_v3", "westeurope"): Decimal("0.24"),
        ("azureml-vm", "Standard_E4s_v3", "westeurope"): Decimal("0.32"),
        ("azureml-vm", "Standard_F4s_v2", "westeurope"): Decimal("0.194"),
        # AKS: 14 (one price in every region), and the nodes' goldens
        **{
            ("aks-cluster", tier, r): Decimal(usd)
            for r in AZURE_REGIONS
            for tier, usd in (("Free", "0.0"), ("Standard", "0.10"))
        },
        ("aks-node-vm", "Standard_DS2_v2", "eastus"): Decimal("0.146"),
        ("aks-node-vm", "Standard_D4s_v3", "westeurope"): Decimal("0.24"),
        # 13: one price in every region
        **{("container-registry", "Basic", r): Decimal("0.167") for r in AZURE_REGIONS},
        **{("container-registry", "Standard", r): Decimal("0.667") for r in AZURE_REGIONS},
        **{("container-registry", "Premium", r): Decimal("1.667") for r in AZURE_REGIONS},
        ("log-analytics", "analytics", "eastus"): Decimal("2.30"),  # 15
        ("log-analytics", "analytics", "westeurope"): Decimal("2.99"),  # golden log_analytics
        # golden key_vault_key (eastus)
        ("keyvault-operations", "secrets", "eastus"): Decimal("0.03"),
        ("keyvault-operations", "software-rsa-2048", "eastus"): Decimal("0.03"),
        ("keyvault-operations", "software-advanced", "eastus"): Decimal("0.15"),
        # golden monitor_metric_alert (eastus)
        ("metric-alert", "time-series", "eastus"): Decimal("0.10"),
        ("metric-alert", "dynamic-threshold", "eastus"): Decimal("0.10"),
        # golden monitor_scheduled_query_rules_alert_v2 (West Europe)
        ("log-alert", "1-minute", "westeurope"): Decimal("3.00"),
        ("log-alert", "5-minute", "westeurope"): Decimal("1.50"),
        ("log-alert", "10-minute", "westeurope"): Decimal("1.00"),
        ("log-alert", "15-minute", "westeurope"): Decimal("0.50"),
        # The Azure DevOps pricing page: one price for every region.
        **{("azure-pipelines", "microsoft-hosted", r): Decimal("40.00") for r in AZURE_REGIONS},
    },
    "gcp": {
        ("vertex-training", "n1-standard-4", "us-central1"): Decimal("0.21849885"),  # 16
        ("vertex-prediction", "n1-standard-4", "us-central1"): Decimal("0.219"),  # 17
        ("gcs-storage", "standard", "us-central1"): Decimal("0.020"),  # 18
        ("artifact-registry", "storage", "us-central1"): Decimal("0.10"),  # 19
        # 20: the GKE pricing page gives one cluster management fee for every region.
        **{
            ("gke-cluster", "standard", r): Decimal("0.10") for r in ("us-central1", "europe-west4")
        },
    },
}


def expectation(fixture: Path) -> str:
    """Each invalid fixture states its error on its first line: `# expect: LINE: MESSAGE`."""
    first = fixture.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{fixture.name} lacks its expectation line"
    return f"{fixture}:{first.removeprefix('# expect: ')}"


def test_there_is_a_book_for_aws_azure_and_gcp() -> None:
    assert CLOUDS == ["aws", "azure", "gcp"]
    assert PUBLISHED.keys() == REGIONS.keys() == set(CLOUDS)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_shipped_book_loads_with_its_regions(cloud: str) -> None:
    book = load_book(cloud)
    assert (book.cloud, book.regions, book.currency) == (cloud, REGIONS[cloud], "USD")
    assert book.taken.isoformat() == "2026-11-27"
    assert book.files == (ROOT / "opsblocks" / "cost" / f"{cloud}.yaml",)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_price_has_a_date_and_a_source_or_an_estimate_flag(cloud: str) -> None:
    for key, price in load_book(cloud).prices.items():
        assert price.taken is not None, key
        assert price.estimate or price.source, key


@pytest.mark.parametrize("cloud", CLOUDS)
def test_only_published_prices_ship_without_an_estimate_flag(cloud: str) -> None:
    sourced = {key: p.usd for key, p in load_book(cloud).prices.items() if not p.estimate}
    assert sourced == PUBLISHED[cloud]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_sources_name_where_a_price_was_published_never_a_local_file(cloud: str) -> None:
    for key, price in load_book(cloud).prices.items():
        if price.source is not None:
            assert "list-prices" not in price.source and ".md" not in price.source, key


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_region_has_a_price_for_every_sku(cloud: str) -> None:
    book = load_book(cloud)
    for sku in book.units:
        for attribute in book.attributes(sku):
            for region in book.regions:
                assert (sku, attribute, region) in book.prices


@pytest.mark.parametrize("cloud", CLOUDS)
def test_free_types_say_why(cloud: str) -> None:
    for type_token, entry in load_book(cloud).resources.items():
        if entry.classification is Classification.free:
            assert entry.why, type_token


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_type_is_of_the_books_cloud(cloud: str) -> None:
    assert all(t.startswith(PACKAGES[cloud]) for t in load_book(cloud).resources)


def test_prices_are_exact_decimals() -> None:
    price = load_book("aws").price("sagemaker-hosting", "ml.m5.large", "us-east-1")
    assert price.usd == Decimal("0.115")
    assert price.usd * 730 * 2 == Decimal("167.900")
    training = load_book("gcp").price("vertex-training", "n1-standard-4", "us-central1")
    assert training.usd * 40 == Decimal("8.73995400")


def test_a_missing_price_names_what_is_priced_and_the_fix() -> None:
    with pytest.raises(CostError, match=r"no sagemaker-hosting price for ml.p4d.24xlarge in "
                                        r"us-east-1 \(priced: ml.m5.2xlarge, ml.m5.large, "
                                        r"ml.m5.xlarge\): add it with --prices FILE"):  # fmt: skip
        load_book("aws").price("sagemaker-hosting", "ml.p4d.24xlarge", "us-east-1")


def test_a_users_file_needs_only_the_prices_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "negotiated.yaml"
    path.write_text(
        "cloud: aws\nskus:\n  kms-key:\n    unit: months\n    taken: 2026-12-01\n"
        "    source: EDP 2026\n    prices:\n"
        "      customer-managed: {us-east-1: 0.8, us-west-2: 0.8, eu-west-1: 0.9}\n"
    )
    book = load_book("aws", path)
    key = book.price("kms-key", "customer-managed", "eu-west-1")
    assert (key.usd, key.source, key.estimate) == (Decimal("0.9"), "EDP 2026", False)
    assert key.taken.isoformat() == "2026-12-01"
    assert book.price("s3-storage", "standard", "us-east-1").usd == Decimal("0.023")
    assert book.files == (ROOT / "opsblocks" / "cost" / "aws.yaml", path)


def test_a_users_file_may_add_a_region_with_every_price(tmp_path: Path) -> None:
    shipped = (ROOT / "opsblocks" / "cost" / "aws.yaml").read_text()
    path = tmp_path / "partial.yaml"
    path.write_text("cloud: aws\nregions: [ap-south-1]\n")
    with pytest.raises(CostError, match=r"no price for ap-south-1 \(every region needs one\)"):
        load_book("aws", path)
    # A copy of the whole book with the new region on every price loads.
    path.write_text(shipped.replace("eu-west-1: {usd:", "ap-south-1: 1, eu-west-1: {usd:")
                    .replace("regions: [us-east-1, us-west-2, eu-west-1]",
                             "regions: [us-east-1, us-west-2, eu-west-1, ap-south-1]")
                    .replace("eu-west-1: 0", "ap-south-1: 1, eu-west-1: 0")
                    .replace("eu-west-1: 1", "ap-south-1: 1, eu-west-1: 1")
                    .replace("eu-west-1: 3", "ap-south-1: 1, eu-west-1: 3"))  # fmt: skip
    assert "ap-south-1" in load_book("aws", path).regions


def test_books_are_parsed_once_and_again_when_the_file_changes(tmp_path: Path) -> None:
    assert load_book("aws") is load_book("aws")
    path = tmp_path / "rates.yaml"
    path.write_text("cloud: aws\n")
    first = load_book("aws", path)
    assert load_book("aws", path) is first
    path.write_text("cloud: aws\nregions: []\n")
    os.utime(path, ns=(1, 1))
    assert load_book("aws", path) is not first


def test_a_cloud_without_a_book_is_a_cost_error() -> None:
    with pytest.raises(CostError, match="no price book for oci yet"):
        load_book("oci")


def test_a_missing_file_is_a_cost_error(tmp_path: Path) -> None:
    with pytest.raises(CostError, match=f"^{tmp_path / 'nope.yaml'}: no such file$"):
        load_book("aws", tmp_path / "nope.yaml")


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_a_bad_price_file_names_field_file_and_line(fixture: Path) -> None:
    with pytest.raises(CostError) as caught:
        load_book("aws", fixture)
    message = str(caught.value)
    expected = expectation(fixture)
    assert message == expected or message.startswith(f"{expected} (+"), message
    assert "\n" not in message
