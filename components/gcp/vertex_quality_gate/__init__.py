"""The vertex-quality-gate tool on gcp."""
