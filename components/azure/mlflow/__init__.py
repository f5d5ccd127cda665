"""The mlflow tool on azure."""
