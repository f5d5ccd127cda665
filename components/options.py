"""What every tool's options model is made of. Pure pydantic: the engine validates a blueprint's
options with these models without importing a cloud SDK, and hands the validated model to the
component, which reads it as it is (no second copy of the fields)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.fields import FieldInfo

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


class Options(BaseModel):
    """Base of every tool's options: a misspelt key is an error, and the model is frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def environment_problem(self, environment: str) -> tuple[str, str] | None:
        """(option, why) when these options cannot work in `environment`; checked at load."""
        return None


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
