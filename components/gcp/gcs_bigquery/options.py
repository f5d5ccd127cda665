"""Options of the gcs-bigquery tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from pydantic import Field

from components.options import Options


class GcsBigQueryOptions(Options):
    """Data lake on Cloud Storage (raw, curated) and a BigQuery dataset."""

    nearline_after_days: int = Field(
        30, ge=30, description="Move objects to Nearline storage after this many days (min 30)."
    )
    noncurrent_versions_days: int = Field(
        90, ge=1, description="Delete superseded object versions after this many days."
    )
