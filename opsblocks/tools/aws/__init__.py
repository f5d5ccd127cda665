"""The AWS tools, one module each."""
