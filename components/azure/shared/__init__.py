"""What several azure tools share: helpers and option types."""
