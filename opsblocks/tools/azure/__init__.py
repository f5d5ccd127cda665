"""The Azure tools, one module each."""
