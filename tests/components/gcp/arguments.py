"""Tests build a component's Args from one flat mapping: its own fields and its tool's options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.options import Options


def with_options(values: Mapping[str, Any], model: type[Options]) -> dict[str, Any]:
    """`values` with the option fields gathered into `options=model(...)`, validated."""
    found = {key: value for key, value in values.items() if key not in model.model_fields}
    found["options"] = model(**{k: v for k, v in values.items() if k in model.model_fields})
    return found
