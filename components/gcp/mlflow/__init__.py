"""The mlflow tool on gcp."""
