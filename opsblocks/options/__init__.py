"""Option models of every tool, one module per cloud. Pure pydantic: no cloud SDK here."""
