"""Pulumi stack configs under `stacks/`: which blueprint each stack deploys."""

from __future__ import annotations

from pathlib import Path

from opsblocks.errors import ConfigError
from opsblocks.program import CONFIG_KEY
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
