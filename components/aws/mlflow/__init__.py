"""The mlflow tool on aws."""
