import json

import pulumi_aws as aws
import pytest

from components.aws.shared import iam
from tests.recording import ACCOUNT_ID, run, statements

PARTITIONS = [("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")]


@pytest.mark.parametrize(("region", "partition"), PARTITIONS)
def test_partition_follows_the_region(region: str, partition: str) -> None:
    assert iam.aws_partition(region) == partition


@pytest.mark.parametrize(("region", "partition"), PARTITIONS)
def test_log_groups_are_in_the_partition_of_the_region(region: str, partition: str) -> None:
    graph = run(
        lambda: aws.iam.Policy("logs", policy=iam.document(iam.write_logs(region, ACCOUNT_ID)))
    )
    [logs] = statements(json.loads(graph.named("logs").inputs["policy"]))
    assert logs["Resource"] == [
        f"arn:{partition}:logs:{region}:{ACCOUNT_ID}:log-group:/aws/sagemaker/*"
    ]
