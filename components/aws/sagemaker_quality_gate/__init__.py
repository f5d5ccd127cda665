"""The sagemaker-quality-gate tool on aws."""
