"""The stack's settings for a cloud's explicit provider.

An explicit provider (`aws.Provider(...)`) does not read stack config: whatever the stack sets
for its package (`aws:profile`, `aws:assumeRoles`, `gcp:project`, `azure-native:subscriptionId`,
...) would be ignored, and the credentials, account or project would silently come from the
shell instead. So every setting the provider takes is read from the stack's config here and
passed on; the blueprint still decides the region.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Mapping
from typing import Any

import pulumi

from opsblocks.errors import ConfigError

REQUIRED: Mapping[str, tuple[str, ...]] = {"gcp": ("project",)}
"""Settings without which a stack of that package cannot deploy what the blueprint describes:
on GCP nothing says which project to create the platform in."""


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def stack_settings(package: str, args_type: type, decided: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for `<package>.Provider(...)`: every `<package>:<key>` the stack sets,
    typed as the provider takes it (objects and lists are JSON in stack config), secrets kept
    secret; `decided` (what the blueprint decides, e.g. the region) wins over the stack."""
    config = pulumi.Config(package)
    settings: dict[str, Any] = {}
    for parameter in inspect.signature(args_type).parameters.values():
        if parameter.name in decided:
            continue
        key = camel(parameter.name)
        raw = config.get(key)
        if raw is None:
            continue
        secret = pulumi.runtime.is_config_secret(f"{package}:{key}")
        value: Any = (
            raw if secret or _takes_text(parameter.annotation) else _decoded(package, key, raw)
        )
        if secret:
            # Secrets stay text: the provider reads its settings from text as stack config does.
            value = pulumi.Output.secret(value)
        settings[parameter.name] = value
    return {**settings, **decided}


def require(package: str, get: typing.Callable[[str], str | None], stack: str) -> None:
    """A one-line error when the stack lacks a setting the package cannot do without."""
    for key in REQUIRED.get(package, ()):
        if not get(f"{package}:{key}"):
            raise ConfigError(
                f"{stack} does not set {package}:{key}: `pulumi config set {package}:{key} "
                f"<value>` (opsblocks does not take it from the shell's environment)"
            )


def _takes_text(annotation: Any) -> bool:
    """True for a plain string setting (`Input[str]`), False for bools, numbers, lists, objects."""
    first = typing.get_args(annotation)[0] if typing.get_args(annotation) else annotation
    return first is str


def _decoded(package: str, key: str, raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise ConfigError(
            f"stack config {package}:{key}: {raw!r} is not a {package} setting of this shape "
            f"(expected true/false, a number, a list or an object)"
        ) from None
