"""GCP components: the foundation, `shared/` helpers, and one package per tool (its options
model, its ComponentResource with its Args, and the modules only it uses)."""
