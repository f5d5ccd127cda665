"""What several gcp tools share: helpers and option types."""
