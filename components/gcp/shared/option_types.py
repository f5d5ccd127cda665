"""Option types several gcp tools accept. Pure pydantic: no cloud SDK here."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MachineType = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9]*-[a-z0-9]+-[0-9]+$",
        description="Compute Engine machine type, e.g. n1-standard-4.",
    ),
]


# Cloud Scheduler's unix-cron: five fields.
Cron = Annotated[str, Field(pattern=r"^(\S+\s+){4}\S+$", description="unix-cron, e.g. 0 3 * * 1")]


Repository = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="GitHub repository: owner/name"
    ),
]
