"""How the component tests pass option values: the keyword arguments that are fields of the
tool's options model go into `options`, the rest stay the component's Args."""

from __future__ import annotations

from typing import Any

from components.options import Options


def with_options(
    model: type[Options], values: dict[str, Any], *, checked: bool = True
) -> dict[str, Any]:
    """`values` with the fields of `model` moved into `options=model(...)`. `checked=False`
    builds the model without validating it, so a test reaches the component's own refusal of a
    value the blueprint's validation would already refuse."""
    picked = {key: value for key, value in values.items() if key in model.model_fields}
    rest = {key: value for key, value in values.items() if key not in picked}
    options = model(**picked) if checked else model.model_construct(**picked)
    return rest | {"options": options}
