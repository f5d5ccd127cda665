"""A BigQuery dataset that keeps its data: CMEK by default, never emptied by `pulumi destroy`.

Shared by the capabilities that keep tables (the data lake, the endpoint's prediction log).

Access is explicit. A dataset created without `accesses` gets BigQuery's defaults, among them
READER for `projectReaders`: every viewer of the project could read the data. So the dataset
names its owners alone (the project's owners, who deploy and administer it), and each
capability that reads it adds its own identity with `dataset_reader`, a `DatasetAccess`
entry. `accesses` is sent when the dataset is created and then ignored: the provider's docs
pair `DatasetAccess` with `ignore_changes=["accesses"]` on the dataset so the two never fight
over the list (dataset-level IAM members cannot be combined with `accesses` at all).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp

OWNERS = gcp.bigquery.DatasetAccessArgs(role="OWNER", special_group="projectOwners")
READER = "READER"
"""The basic role: BigQuery swaps `roles/bigquery.dataViewer` for it, so it never shows a diff."""


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
        accesses=[OWNERS],
        # Destroying the dataset fails while it holds tables: data is never dropped by `down`.
        delete_contents_on_destroy=False,
        labels=dict(labels),
        opts=pulumi.ResourceOptions(
            parent=parent,
            protect=protect,
            retain_on_delete=protect,
            # The readers' `DatasetAccess` entries join the list after creation.
            ignore_changes=["accesses"],
        ),
    )


def dataset_reader(
    name: str,
    *,
    project: pulumi.Input[str],
    dataset_id: pulumi.Input[str],
    service_account_email: pulumi.Input[str],
    parent: pulumi.Resource,
) -> gcp.bigquery.DatasetAccess:
    """Read access for one service account to one `kept_dataset`, beside its other entries."""
    return gcp.bigquery.DatasetAccess(
        name,
        project=project,
        dataset_id=dataset_id,
        role=READER,
        user_by_email=service_account_email,
        opts=pulumi.ResourceOptions(parent=parent),
    )
