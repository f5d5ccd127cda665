"""Options of the adls tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from components.options import Options


class AdlsOptions(Options):
    """Data lake on ADLS Gen2 (raw, curated) and the Azure ML datastores that point at it."""

    cool_after_days: int = Field(
        30, ge=1, description="Move blobs to the Cool tier after this many days unmodified."
    )
    soft_delete_days: int = Field(
        30, ge=1, le=365, description="Keep deleted blobs and containers this many days."
    )
    redundancy: Literal["LRS", "ZRS", "GRS", "GZRS"] | None = Field(
        None, description="Storage redundancy; default: ZRS in prod, LRS otherwise."
    )
