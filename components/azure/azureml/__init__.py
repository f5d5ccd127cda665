"""The azureml tool on azure."""
