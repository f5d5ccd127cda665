"""JSON Schema of the blueprint, so editors complete and check blueprints as they are typed.

Generated from the same pydantic models that `opsblocks validate` uses: one branch per cloud,
and per capability one branch per tool (discriminated on `tool`) with that tool's options.
Rules written in Python (cloud naming limits, capabilities that need each other) are checked
by `opsblocks validate`, not by the schema.
"""

from __future__ import annotations

import json
from typing import Any

from opsblocks.blueprint import ADAPTER

SCHEMA_FILE = "blueprint.schema.json"
"""Where the repository keeps it: shipped and generated blueprints point their editor at it."""


def blueprint_schema() -> dict[str, Any]:
    schema = ADAPTER.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "opsblocks blueprint",
        "description": "One tool per MLOps capability on a cloud; see the opsblocks README.",
        **schema,
    }


def blueprint_schema_text() -> str:
    return json.dumps(blueprint_schema(), indent=2, sort_keys=False) + "\n"
