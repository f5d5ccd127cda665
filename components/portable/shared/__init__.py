"""What several portable tools share."""
