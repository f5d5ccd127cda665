"""The github-actions tool on gcp."""
