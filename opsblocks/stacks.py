"""Pulumi stack configs under `stacks/`: which blueprint each stack deploys."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsblocks.errors import ConfigError
from opsblocks.program import CONFIG_KEY, PROJECT
from opsblocks.yamlsource import parse


def project_root(start: Path | None = None) -> Path:
    """The nearest folder holding Pulumi.yaml, from `start` (default: the working folder) up."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    raise ConfigError(f"no Pulumi.yaml in {here} or above: run this inside the opsblocks project")


def stack_file(root: Path, stack: str) -> Path:
    return root / "stacks" / f"Pulumi.{stack}.yaml"


def available(root: Path) -> list[str]:
    files = (root / "stacks").glob("Pulumi.*.yaml")
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in files)


def blueprint_of(root: Path, stack: str) -> Path:
    """The blueprint that `stacks/Pulumi.<stack>.yaml` names, as the Pulumi program reads it."""
    path = stack_file(root, stack)
    if not path.is_file():
        names = ", ".join(available(root)) or "none"
        raise ConfigError(f"no stack '{stack}': {path} does not exist (stacks: {names})")
    source = parse(path)
    config = source.data.get("config") if isinstance(source.data, dict) else None
    value = config.get(CONFIG_KEY) if isinstance(config, dict) else None
    if not isinstance(value, str) or not value:
        config_line = source.location(("config",))
        raise ConfigError(f"{config_line}: config.{CONFIG_KEY}: required (the blueprint to deploy)")
    blueprint = root / value
    if not blueprint.is_file():
        value_line = source.location(("config", CONFIG_KEY))
        raise ConfigError(f"{value_line}: config.{CONFIG_KEY}: {value} does not exist")
    return blueprint


@dataclass(frozen=True)
class StackConfig:
    """A stack's config as the Pulumi CLI hands it to the program: `namespace:key` -> text
    (objects and lists as JSON). Encrypted values cannot be read offline: they stay secret."""

    values: dict[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        return self.values.get(key)


UNREADABLE_SECRET = "(secret, known at up)"


def config_of(root: Path, stack: str) -> StackConfig:
    """`stacks/Pulumi.<stack>.yaml`'s config, keys without a namespace in the project's."""
    source = parse(stack_file(root, stack))
    config = source.data.get("config") if isinstance(source.data, dict) else None
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in (config or {}).items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[full] = UNREADABLE_SECRET
            secret_keys.append(full)
        else:
            values[full] = _as_config_text(value)
    return StackConfig(values, secret_keys)


def _as_config_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)
