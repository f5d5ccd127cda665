"""The existing tool on gcp."""
