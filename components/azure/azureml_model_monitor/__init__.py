"""The azureml-model-monitor tool on azure."""
