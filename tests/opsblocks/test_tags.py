import pytest

from opsblocks.tags import check_azure_tags


def test_azure_takes_tags_up_to_its_limit_with_the_opsblocks_tags() -> None:
    tags = {f"k{i}": "v" for i in range(46)}  # + 4 opsblocks tags = 50
    assert check_azure_tags(tags) == tags


def test_one_tag_more_than_azure_allows_per_resource_is_refused() -> None:
    with pytest.raises(ValueError, match=r"47 tags and the 4 opsblocks tags pass Azure's limit"):
        check_azure_tags({f"k{i}": "v" for i in range(47)})


@pytest.mark.parametrize("key", ["Azure-team", "MICROSOFT.x", "windows"])
def test_reserved_prefixes_are_case_insensitive(key: str) -> None:
    with pytest.raises(ValueError, match="prefix Azure reserves"):
        check_azure_tags({key: "v"})


def test_the_opsblocks_prefix_stays_reserved_on_azure() -> None:
    with pytest.raises(ValueError, match="reserved prefix"):
        check_azure_tags({"opsblocks:team": "v"})
