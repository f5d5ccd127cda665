"""The github-actions tool on azure."""
