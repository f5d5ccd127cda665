"""A BigQuery dataset that keeps its data: CMEK by default, never emptied by `pulumi destroy`.

Shared by the capabilities that keep tables (the data lake, the endpoint's prediction log).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp


def kept_dataset(
    name: str,
    *,
    dataset_id: str,
    description: str,
    project: pulumi.Input[str],
    region: str,
    kms_key_id: pulumi.Input[str],
    labels: Mapping[str, str],
    protect: bool,
    parent: pulumi.Resource,
) -> gcp.bigquery.Dataset:
    """The dataset, a child of `parent`; protected and retained when `protect`."""
    return gcp.bigquery.Dataset(
        name,
        project=project,
        dataset_id=dataset_id,
        location=region,
        description=description,
        default_encryption_configuration=gcp.bigquery.DatasetDefaultEncryptionConfigurationArgs(
            kms_key_name=kms_key_id
        ),
        # Destroying the dataset fails while it holds tables: data is never dropped by `down`.
        delete_contents_on_destroy=False,
        labels=dict(labels),
        opts=pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=protect),
    )
