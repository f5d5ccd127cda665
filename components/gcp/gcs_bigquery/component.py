"""Data capability on GCP: a Cloud Storage data lake (raw, curated) and a BigQuery dataset.

The dataset grants nobody anything here: it names the project's owners alone (see
`components.gcp.shared.dataset`), so project viewers do not read it as BigQuery's default access
would let them. The capabilities that read it (training) add their own service account with
a `DatasetAccess` entry on this dataset alone. Nothing public, no `allAuthenticatedUsers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from components.gcp.gcs_bigquery.options import GcsBigQueryOptions
from components.gcp.shared.dataset import kept_dataset
from components.gcp.shared.secure_bucket import GcpSecureBucket, GcpSecureBucketArgs

ZONES = ("raw", "curated")


@dataclass(frozen=True, kw_only=True)
class GcpGcsBigqueryDataArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    """Project id from the foundation: resolves once the APIs and the key are ready."""
    region: str
    kms_key_id: pulumi.Input[str]
    """Customer-managed key of the buckets and of the dataset's tables."""
    access_log_bucket: pulumi.Input[str]
    protect: bool = False
    """Protect and retain the buckets and the dataset: deleting the stack never deletes data."""
    dataset_id: str
    """BigQuery dataset id (letters, digits, `_`): unique per project, it names the environment."""
    options: GcsBigQueryOptions = field(default_factory=GcsBigQueryOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class GcpGcsBigqueryData(pulumi.ComponentResource):
    raw_bucket: pulumi.Output[str]
    """Landing zone for source data, as delivered."""
    curated_bucket: pulumi.Output[str]
    """Cleaned, training-ready data."""
    data_uri: pulumi.Output[str]
    """`gs://<curated>/`: where training reads its input."""
    dataset_id: pulumi.Output[str]
    """The BigQuery dataset id (without the project), for dataset-level grants."""

    def __init__(
        self, name: str, args: GcpGcsBigqueryDataArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:GcpGcsBigqueryData", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)

        buckets = {
            zone: GcpSecureBucket(
                f"{name}-{zone}",
                GcpSecureBucketArgs(
                    labels=labels,
                    project=args.project,
                    region=args.region,
                    kms_key_id=args.kms_key_id,
                    access_log_bucket=args.access_log_bucket,
                    protect=args.protect,
                    nearline_after_days=args.options.nearline_after_days,
                    noncurrent_versions_days=args.options.noncurrent_versions_days,
                ),
                opts=child,
            )
            for zone in ZONES
        }
        dataset = kept_dataset(
            f"{name}-dataset",
            dataset_id=args.dataset_id,
            description=f"opsblocks {name}: tables of the raw and curated zones",
            project=args.project,
            region=args.region,
            kms_key_id=args.kms_key_id,
            labels=labels,
            protect=args.protect,
            parent=self,
        )

        self.raw_bucket = buckets["raw"].bucket
        self.curated_bucket = buckets["curated"].bucket
        self.data_uri = buckets["curated"].uri
        self.dataset_id = dataset.dataset_id
        self.register_outputs(
            {
                "raw_bucket": self.raw_bucket,
                "curated_bucket": self.curated_bucket,
                "data_uri": self.data_uri,
                "dataset_id": self.dataset_id,
            }
        )
