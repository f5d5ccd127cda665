"""The gcs-bigquery tool on gcp."""
