"""The vertex-model-registry tool on gcp."""
