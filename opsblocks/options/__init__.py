"""Option models of every tool, one module per cloud. Pure pydantic: no cloud SDK here."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic.fields import FieldInfo

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def _check_email(value: str) -> str:
    if not EMAIL.fullmatch(value):
        raise ValueError(f"'{value}' is not an e-mail address")
    return value


Email = Annotated[str, AfterValidator(_check_email)]
"""An e-mail address (alerts), checked with a message that names the bad value."""
Hyperparameter = str | int | float | bool


class Ask:
    """Marks an option that `opsblocks new` asks about, besides the required ones:
    `instance_type: Annotated[SageMakerInstanceType, ASK] = "ml.m5.xlarge"`.

    Plain annotation metadata: pydantic keeps it on the field and leaves it out of the JSON
    Schema, so editors never see it."""


ASK = Ask()


def asked(field: FieldInfo) -> bool:
    """Whether the wizard asks for this option: it is required, or marked with ASK."""
    return field.is_required() or any(isinstance(m, Ask) for m in field.metadata)
