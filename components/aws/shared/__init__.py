"""What several aws tools share: helpers and option types."""
