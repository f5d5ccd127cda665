"""The Pulumi program: blueprint -> components in dependency order -> stack outputs.

`pulumi up` runs it through `__main__.py`; `opsblocks preview` runs the very same `build`
under the recording mock monitor.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pulumi

from opsblocks import blueprint
from opsblocks.blueprint import Blueprint
from opsblocks.errors import ConfigError, OpsblocksError

CONFIG_KEY = "opsblocks:blueprint"
REGION_KEYS = {"aws": "aws:region", "azure": "azure-native:location", "gcp": "gcp:region"}


def build(bp: Blueprint) -> dict[str, pulumi.Input[Any]]:
    """Register the blueprint's resources; return the stack outputs."""
    wiring = importlib.import_module(f"opsblocks.wiring.{bp.cloud.value}")
    outputs: dict[str, pulumi.Input[Any]] = wiring.build(bp)
    return outputs


def load_from_config(root: Path = Path()) -> Blueprint:
    """The blueprint that the stack configuration names."""
    path = pulumi.Config("opsblocks").get("blueprint")
    if not path:
        raise ConfigError(
            f"the stack config does not set {CONFIG_KEY}: "
            f"`pulumi config set {CONFIG_KEY} blueprints/<name>.yaml`"
        )
    bp = blueprint.load(root / path)
    region_key = REGION_KEYS.get(bp.cloud.value)
    namespace, key = region_key.split(":") if region_key else ("", "")
    configured = pulumi.Config(namespace).get(key) if region_key else None
    if configured and configured != bp.region:
        raise ConfigError(
            f"the stack config sets {region_key} to {configured} but {path} deploys to "
            f"{bp.region}: make them agree (the blueprint decides where resources go)"
        )
    return bp


def main() -> None:
    """Entry point of `pulumi up`: bad input is a one-line error, not a traceback."""
    try:
        bp = load_from_config()
    except OpsblocksError as exc:
        raise pulumi.RunError(str(exc)) from None
    for key, value in build(bp).items():
        pulumi.export(key, value)
