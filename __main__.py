"""Pulumi entry point: builds the blueprint named by the stack config `opsblocks:blueprint`."""

from opsblocks.program import main

main()
