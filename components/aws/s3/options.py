"""Options of the s3 tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from pydantic import Field

from components.options import Options


class S3DataOptions(Options):
    """Data lake on S3: raw and curated buckets, catalogued by Glue."""

    infrequent_access_after_days: int = Field(
        30, ge=30, description="Move objects to S3 Standard-IA after this many days (min 30)."
    )
    noncurrent_versions_days: int = Field(
        90, ge=1, description="Delete superseded object versions after this many days."
    )
    crawler_schedule: str = Field(
        "cron(0 2 * * ? *)", description="When the Glue crawler refreshes the catalog."
    )
