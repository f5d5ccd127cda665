"""The opsblocks policy pack (see __main__.py)."""
