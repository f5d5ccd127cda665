"""The azureml-quality-gate tool on azure."""
