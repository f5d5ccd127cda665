"""The vertex-endpoint tool on gcp."""
