"""Rules for aws resources."""
