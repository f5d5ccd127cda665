"""The sagemaker-model-registry tool on aws."""
