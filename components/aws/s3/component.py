"""Data capability on AWS: an S3 data lake (raw, curated) catalogued by Glue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.s3.options import S3DataOptions
from components.aws.shared import iam
from components.aws.shared.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs


@dataclass(frozen=True, kw_only=True)
class AwsS3DataArgs:
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str]
    access_log_bucket: pulumi.Input[str]
    database_name: str
    """Glue catalog database; unique per account and region, so it names the environment."""
    protect: bool = False
    """Protect and retain the buckets and the catalog (prod)."""
    options: S3DataOptions = field(default_factory=S3DataOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AwsS3Data(pulumi.ComponentResource):
    raw_bucket: pulumi.Output[str]
    """Landing zone for source data, as delivered."""
    raw_bucket_arn: pulumi.Output[str]
    curated_bucket: pulumi.Output[str]
    """Cleaned, training-ready data."""
    curated_bucket_arn: pulumi.Output[str]
    data_uri: pulumi.Output[str]
    """`s3://<curated>/`: where training reads its input."""
    glue_database: pulumi.Output[str]

    def __init__(
        self, name: str, args: AwsS3DataArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AwsS3Data", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        buckets = {
            zone: AwsSecureBucket(
                f"{name}-{zone}",
                AwsSecureBucketArgs(
                    tags=tags,
                    kms_key_arn=args.kms_key_arn,
                    access_log_bucket=args.access_log_bucket,
                    protect=args.protect,
                    infrequent_access_after_days=args.options.infrequent_access_after_days,
                    noncurrent_versions_days=args.options.noncurrent_versions_days,
                ),
                opts=child,
            )
            for zone in ("raw", "curated")
        }
        database = aws.glue.CatalogDatabase(
            f"{name}-catalog",
            # Glue database names allow only lowercase letters, digits and underscores.
            name=args.database_name.replace("-", "_"),
            description=f"opsblocks {name}: tables of the raw and curated zones",
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, retain_on_delete=args.protect
            ),
        )
        role, _ = iam.service_role(
            f"{name}-crawler-role",
            "glue.amazonaws.com",
            iam.document(
                iam.read_buckets([b.arn for b in buckets.values()]),
                *iam.use_key(args.kms_key_arn),
                iam.allow(
                    [
                        "glue:GetDatabase",
                        "glue:GetTable",
                        "glue:CreateTable",
                        "glue:UpdateTable",
                        "glue:GetPartition",
                        "glue:GetPartitions",
                        "glue:BatchCreatePartition",
                        "glue:BatchGetPartition",
                        "glue:UpdatePartition",
                    ],
                    [
                        database.arn,
                        database.arn.apply(_catalog_arn),
                        database.arn.apply(_tables_arn),
                    ],
                ),
                iam.allow(
                    ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    [database.arn.apply(_crawler_logs_arn)],
                ),
            ),
            tags,
            parent=self,
        )
        aws.glue.Crawler(
            f"{name}-crawler",
            database_name=database.name,
            role=role.arn,
            schedule=args.options.crawler_schedule,
            s3_targets=[
                aws.glue.CrawlerS3TargetArgs(path=bucket.uri) for bucket in buckets.values()
            ],
            schema_change_policy=aws.glue.CrawlerSchemaChangePolicyArgs(
                delete_behavior="LOG", update_behavior="UPDATE_IN_DATABASE"
            ),
            tags=tags,
            opts=child,
        )

        self.raw_bucket = buckets["raw"].bucket
        self.raw_bucket_arn = buckets["raw"].arn
        self.curated_bucket = buckets["curated"].bucket
        self.curated_bucket_arn = buckets["curated"].arn
        self.data_uri = buckets["curated"].uri
        self.glue_database = database.name
        self.register_outputs(
            {
                "raw_bucket": self.raw_bucket,
                "curated_bucket": self.curated_bucket,
                "data_uri": self.data_uri,
                "glue_database": self.glue_database,
            }
        )


# Glue ARNs: arn:aws:glue:<region>:<account>:database/<name> -> catalog, table/<name>/*.
def _catalog_arn(database_arn: str) -> str:
    return database_arn.rsplit(":", 1)[0] + ":catalog"


def _tables_arn(database_arn: str) -> str:
    return database_arn.replace(":database/", ":table/") + "/*"


def _crawler_logs_arn(database_arn: str) -> str:
    prefix = database_arn.split(":glue:")[0]
    region_account = database_arn.split(":glue:")[1].rsplit(":", 1)[0]
    return f"{prefix}:logs:{region_account}:log-group:/aws-glue/crawlers:*"
