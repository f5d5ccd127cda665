import pytest

from components.aws.shared import iam

PARTITIONS = [("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")]


@pytest.mark.parametrize(("region", "partition"), PARTITIONS)
def test_partition_follows_the_region(region: str, partition: str) -> None:
    assert iam.aws_partition(region) == partition
