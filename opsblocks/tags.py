"""The tags every taggable resource carries, so cost and ownership can be traced to a blueprint."""

from __future__ import annotations

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
