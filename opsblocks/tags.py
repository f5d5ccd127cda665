"""The tags every taggable resource carries, so cost and ownership can be traced to a blueprint."""

from __future__ import annotations

import re
from collections.abc import Mapping

RESERVED_PREFIXES = ("opsblocks:", "aws:")


def platform_tags(
    *, blueprint: str, environment: str, capability: str, tool: str, extra: Mapping[str, str]
) -> dict[str, str]:
    """The blueprint's own tags first, then the opsblocks tags (which cannot be overridden)."""
    return {
        **extra,
        "opsblocks:blueprint": blueprint,
        "opsblocks:environment": environment,
        "opsblocks:capability": capability,
        "opsblocks:tool": tool,
    }


def check_user_tags(tags: Mapping[str, str]) -> Mapping[str, str]:
    for key, value in tags.items():
        if key.startswith(RESERVED_PREFIXES):
            raise ValueError(
                f"tag key '{key}' uses a reserved prefix ({', '.join(RESERVED_PREFIXES)})"
            )
        if not 1 <= len(key) <= 128:
            raise ValueError(f"tag key '{key}' must have 1 to 128 characters")
        if len(value) > 256:
            raise ValueError(f"tag '{key}' has a value longer than 256 characters")
    return tags


GCP_LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
GCP_LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")


def platform_labels(
    *, blueprint: str, environment: str, capability: str, tool: str, extra: Mapping[str, str]
) -> dict[str, str]:
    """GCP labels allow no colon in keys: `opsblocks-…` keys, as ARCHITECTURE.md says."""
    return {
        key.replace("opsblocks:", "opsblocks-"): value
        for key, value in platform_tags(
            blueprint=blueprint, environment=environment, capability=capability, tool=tool,
            extra=extra,
        ).items()
    }  # fmt: skip


def check_gcp_labels(labels: Mapping[str, str]) -> Mapping[str, str]:
    """Blueprint tags become GCP labels: lowercase keys and values, digits, `_` and `-`."""
    for key, value in labels.items():
        if key.startswith("opsblocks"):
            raise ValueError(f"tag key '{key}' uses the reserved prefix opsblocks")
        if not GCP_LABEL_KEY.fullmatch(key):
            raise ValueError(
                f"tag key '{key}' is not a GCP label key (lowercase letters, digits, _ and -, "
                "starting with a letter, at most 63 characters)"
            )
        if not GCP_LABEL_VALUE.fullmatch(value):
            raise ValueError(
                f"tag '{key}' has a value that is not a GCP label value ('{value}': lowercase "
                "letters, digits, _ and -, at most 63 characters)"
            )
    return labels


# Azure reserves these prefixes (case-insensitive) and refuses these characters in tag names.
AZURE_RESERVED_PREFIXES = ("azure", "microsoft", "windows")
AZURE_FORBIDDEN = set("<>%&\\?/")
AZURE_MAX_TAGS = 50


def check_azure_tags(tags: Mapping[str, str]) -> Mapping[str, str]:
    """Blueprint tags as Azure takes them on every resource (storage accounts are the
    strictest: 128-character names)."""
    check_user_tags(tags)
    for key in tags:
        if key.lower().startswith(AZURE_RESERVED_PREFIXES):
            reserved = ", ".join(AZURE_RESERVED_PREFIXES)
            raise ValueError(f"tag key '{key}' uses a prefix Azure reserves ({reserved})")
        bad = sorted(AZURE_FORBIDDEN & set(key))
        if bad:
            raise ValueError(f"tag key '{key}' has characters Azure refuses: {' '.join(bad)}")
    platform = len(platform_tags(blueprint="", environment="", capability="", tool="", extra={}))
    if len(tags) + platform > AZURE_MAX_TAGS:
        raise ValueError(
            f"{len(tags)} tags and the {platform} opsblocks tags pass Azure's limit of "
            f"{AZURE_MAX_TAGS} per resource"
        )
    return tags
