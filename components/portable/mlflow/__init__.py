"""MLflow tracking server and model registry, installed on any cluster by a pinned Helm chart."""
