"""Rules for azure resources."""
