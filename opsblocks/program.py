"""The Pulumi program: blueprint -> components in dependency order -> stack outputs.

`pulumi up` runs it through `__main__.py`; `opsblocks preview` runs the very same `build`
under the recording mock monitor.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi

from opsblocks import blueprint, providers
from opsblocks.blueprint import Blueprint
from opsblocks.errors import ConfigError, OpsblocksError

PROJECT = "opsblocks"
"""The Pulumi project name (Pulumi.yaml): the namespace of the program's own config keys."""
CONFIG_KEY = f"{PROJECT}:blueprint"
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
    check_stack_config(bp, path, _stack_config)
    return bp


def check_stack_config(
    bp: Blueprint, path: str, get: Callable[[str], str | None], stack: str = "the stack config"
) -> None:
    """What the stack config (`get("ns:key")`) must agree with before anything registers: the
    region the blueprint (at `path`) decides, and the settings the cloud cannot do without."""
    region_key = REGION_KEYS[bp.cloud.value]
    configured = get(region_key)
    if configured and configured != bp.region:
        raise ConfigError(
            f"{stack} sets {region_key} to {configured} but {path} deploys to "
            f"{bp.region}: make them agree (the blueprint decides where resources go)"
        )
    providers.require(PROVIDER_PACKAGES[bp.cloud.value], get, stack)


PROVIDER_PACKAGES = {"aws": "aws", "azure": "azure-native", "gcp": "gcp"}


def _stack_config(full_key: str) -> str | None:
    namespace, key = full_key.split(":", 1)
    return pulumi.Config(namespace).get(key)


def main() -> None:
    """Entry point of `pulumi up`: bad input is a one-line error, not a traceback."""
    try:
        outputs = build(load_from_config())
    except OpsblocksError as exc:
        raise pulumi.RunError(str(exc)) from None
    for key, value in outputs.items():
        pulumi.export(key, value)
