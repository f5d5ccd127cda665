"""CLI commands that live in their own module; `opsblocks.cli` registers them."""
