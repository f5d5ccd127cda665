"""What each environment means for sizing, retention and data protection."""

from __future__ import annotations

from dataclasses import dataclass

from opsblocks.model import Environment


@dataclass(frozen=True)
class Profile:
    protect_data: bool
    """Stateful resources get `protect` and `retain_on_delete`."""
    availability_zones: int
    log_retention_days: int


PROFILES: dict[Environment, Profile] = {
    Environment.dev: Profile(protect_data=False, availability_zones=2, log_retention_days=30),
    Environment.staging: Profile(protect_data=False, availability_zones=2, log_retention_days=90),
    Environment.prod: Profile(protect_data=True, availability_zones=3, log_retention_days=365),
}


def profile(environment: Environment) -> Profile:
    return PROFILES[environment]
