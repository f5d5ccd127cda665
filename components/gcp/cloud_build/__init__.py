"""The cloud-build tool on gcp."""
