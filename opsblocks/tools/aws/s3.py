"""s3: the data lake on S3 (raw, curated) with KMS, versioning and lifecycle, catalogued by Glue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.s3.options import S3DataOptions
from opsblocks.contracts.aws import AwsData
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: S3DataOptions) -> AwsData:
    from components.aws.s3.component import AwsS3Data, AwsS3DataArgs

    data = AwsS3Data(
        site.name,
        AwsS3DataArgs(
            tags=site.tags, **site.stores, database_name=site.physical("data"), options=options
        ),
        site.opts,
    )
    return AwsData(data_uri=data.data_uri, raw_bucket=data.raw_bucket,
                   raw_bucket_arn=data.raw_bucket_arn, curated_bucket=data.curated_bucket,
                   curated_bucket_arn=data.curated_bucket_arn,
                   glue_database=data.glue_database)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.data,
    name="s3",
    description="S3 data lake (raw, curated) with KMS, versioning, lifecycle; Glue catalog and "
    "crawler",
    options=S3DataOptions,
    component="components.aws.s3.component:AwsS3Data",
    build=build,
    gives=AwsData,
    names=(
        NameRule("S3 bucket", 63, "-data-curated"),
        NameRule("IAM role", 64, "-data-crawler-role"),
    ),
    main_types=("aws.s3.Bucket", "aws.glue.CatalogDatabase", "aws.glue.Crawler"),
)
