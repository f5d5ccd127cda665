"""Rules for gcp resources."""
