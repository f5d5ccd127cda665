"""The azureml-online-endpoint tool on azure."""
