"""opsblocks: an MLOps platform on AWS, Azure or GCP from a short YAML blueprint."""

__version__ = "0.1.0"
