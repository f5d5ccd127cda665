"""Names read from the URIs components are given."""

from __future__ import annotations


def bucket_of(gcs_uri: str) -> str:
    """`gs://<bucket>/<path>` -> `<bucket>`."""
    bucket = gcs_uri.removeprefix("gs://").split("/")[0]
    if not gcs_uri.startswith("gs://") or not bucket:
        raise ValueError(f"'{gcs_uri}' is not a Cloud Storage URI (gs://bucket/...)")
    return bucket
