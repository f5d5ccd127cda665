"""The sagemaker-pipelines tool on aws."""
