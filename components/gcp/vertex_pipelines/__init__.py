"""The vertex-pipelines tool on gcp."""
