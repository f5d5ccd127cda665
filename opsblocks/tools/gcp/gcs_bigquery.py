"""gcs-bigquery: a Cloud Storage data lake (raw, curated) with CMEK and versioning, and a
BigQuery dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.gcs_bigquery.options import GcsBigQueryOptions
from opsblocks.contracts.gcp import GcpData
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: GcsBigQueryOptions) -> GcpData:
    from components.gcp.gcs_bigquery.component import GcpGcsBigqueryData, GcpGcsBigqueryDataArgs

    data = GcpGcsBigqueryData(
        site.name,
        GcpGcsBigqueryDataArgs(
            labels=site.labels,
            **site.stores,
            # Dataset ids take letters, digits and underscores only.
            dataset_id=site.physical("data", "_"),
            options=options,
        ),
        site.opts,
    )
    return GcpData(data_uri=data.data_uri, raw_bucket=data.raw_bucket,
                   curated_bucket=data.curated_bucket, dataset_id=data.dataset_id)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.data,
    name="gcs-bigquery",
    description="Cloud Storage data lake (raw, curated) with CMEK, versioning; BigQuery dataset",
    options=GcsBigQueryOptions,
    component="components.gcp.gcs_bigquery.component:GcpGcsBigqueryData",
    build=build,
    gives=GcpData,
    apis=("storage.googleapis.com", "bigquery.googleapis.com"),
    names=(NameRule("Cloud Storage bucket", 63, "-data-curated"),),
    main_types=("gcp.storage.Bucket", "gcp.bigquery.Dataset"),
)
