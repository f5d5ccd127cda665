"""The sagemaker-endpoint tool on aws."""
