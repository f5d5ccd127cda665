"""The rules, one module each, in a folder per group (aws, azure, gcp, portable)."""
