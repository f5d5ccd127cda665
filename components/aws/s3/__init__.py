"""The s3 tool on aws."""
