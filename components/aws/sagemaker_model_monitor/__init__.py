"""The sagemaker-model-monitor tool on aws."""
