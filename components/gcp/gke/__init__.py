"""The gke tool on gcp."""
