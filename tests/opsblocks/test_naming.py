import pytest

from opsblocks import catalog, naming
from opsblocks.model import Cloud


def every_rule(cloud: str) -> tuple[naming.NameRule, ...]:
    """The cloud's rules and those of all its tools: a platform with every tool."""
    tools = catalog.tools(Cloud(cloud))
    return naming.CLOUD_RULES[cloud] + tuple(rule for tool in tools for rule in tool.names)


@pytest.mark.parametrize("name", ["fraud", "fraud-detection", "a1", "churn-v2-model"])
def test_valid_blueprint_names_pass(name: str) -> None:
    assert naming.check_blueprint_name(name) == name


@pytest.mark.parametrize("name", ["Fraud", "fraud_x", "-fraud", "fraud-", "fr--aud", "1fraud", "f"])
def test_invalid_blueprint_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="not a valid name"):
        naming.check_blueprint_name(name)


def test_longest_aws_name_fits_every_aws_rule() -> None:
    longest = "a" * naming.max_name_length(every_rule("aws"))
    assert naming.check_length(longest, "aws", every_rule("aws")) == longest
    for rule in every_rule("aws"):
        assert rule.length_for(longest) <= rule.max_length


def test_one_character_more_breaks_the_tightest_aws_rule() -> None:
    too_long = "a" * (naming.max_name_length(every_rule("aws")) + 1)
    with pytest.raises(ValueError, match=r"too long for aws: .* \(use at most 24 characters\)"):
        naming.check_length(too_long, "aws", every_rule("aws"))


def test_autonamed_resources_count_the_random_suffix() -> None:
    rule = naming.NameRule("S3 bucket", 63, "-raw")
    assert rule.length_for("fraud") == len("fraud-raw-abcdefg")
    explicit = naming.NameRule("endpoint", 63, "-prod", autonamed=False)
    assert explicit.length_for("fraud") == len("fraud-prod")


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"])
def test_aws_regions_pass(region: str) -> None:
    assert naming.check_aws_region(region) == region


@pytest.mark.parametrize("region", ["eastus", "us-east", "europe-west4", "US-EAST-1"])
def test_non_aws_regions_are_rejected(region: str) -> None:
    with pytest.raises(ValueError, match="not an AWS region"):
        naming.check_aws_region(region)


def test_longest_azure_name_fits_every_azure_rule() -> None:
    longest = "a" * naming.max_name_length(every_rule("azure"))
    assert longest == "a" * 16
    assert naming.check_length(longest, "azure", every_rule("azure")) == longest


def test_one_character_more_breaks_the_storage_account_rule() -> None:
    with pytest.raises(ValueError, match=r"too long for azure: storage account names allow 24"):
        naming.check_length("a" * 17, "azure", every_rule("azure"))


def test_storage_account_names_drop_the_hyphens_before_counting() -> None:
    # 19 characters with hyphens, 16 without: a storage account name has room for it, but the
    # key vault name keeps the hyphens (19 + "-xxxxxx" = 26 > 24).
    rule = next(r for r in naming.AZURE_RULES if r.resource == "storage account")
    assert rule.length_for("fraud-detect-ab-cd") == len("frauddetectabcdmlxxxxxx")
    with pytest.raises(ValueError, match="key vault names allow 24"):
        naming.check_length("fraud-detect-ab-cd", "azure", every_rule("azure"))


@pytest.mark.parametrize("region", ["eastus", "westeurope", "eastus2", "uksouth"])
def test_azure_locations_pass(region: str) -> None:
    assert naming.check_azure_region(region) == region


@pytest.mark.parametrize("region", ["East US", "east-us", "us-east-1", "EASTUS", ""])
def test_azure_display_names_and_other_clouds_regions_fail(region: str) -> None:
    with pytest.raises(ValueError, match="not an Azure location"):
        naming.check_azure_region(region)
