"""The GCP tools, one module each."""
