"""The vertex-model-monitoring tool on gcp."""
