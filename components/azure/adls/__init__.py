"""The adls tool on azure."""
