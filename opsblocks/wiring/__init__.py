"""Per-cloud wiring: which outputs of one capability feed which inputs of the next."""
