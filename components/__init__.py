"""Pulumi ComponentResources, one module per tool per cloud."""
