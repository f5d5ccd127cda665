"""Option types several azure tools accept. Pure pydantic: no cloud SDK here."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

VmSize = Annotated[
    str,
    Field(
        pattern=r"^Standard_[A-Za-z0-9_]+$",
        description="Azure VM size, e.g. Standard_DS3_v2.",
    ),
]


# Azure ML schedules take five-field cron expressions.
Cron = Annotated[str, Field(pattern=r"^(\S+\s+){4}\S+$", description="cron, e.g. 0 3 * * 1")]


Branch = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\s~^:?*\[\\]+$")]
