"""The sagemaker-mlflow tool on aws."""
