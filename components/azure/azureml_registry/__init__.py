"""The azureml-registry tool on azure."""
