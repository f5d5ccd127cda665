"""A change that replaces a bucket, a key or a registry deletes what it holds."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.stateful import REPLACED_ON_CHANGE, STATEFUL


def check(stack: Stack) -> Iterator[Flag]:
    if stack.previous is None:
        return
    for old in stack.previous.custom():
        if old.type not in STATEFUL:
            continue
        new = stack.by_urn.get(old.urn)
        if new is None:
            yield Flag(old, "deleted by the change (its URN is gone: renamed, moved or removed)")
            continue
        for key in REPLACED_ON_CHANGE.get(old.type, ()):
            before, after = old.get(key), new.get(key)
            if before != after and not is_unknown(before) and not is_unknown(after):
                yield Flag(new, f"replaced: `{key}` changes from {before!r} to {after!r}")
                break


RULE = Rule(
    id="OB-ALL-DATA-002",
    severity=Severity.high,
    title="A change replaces no stateful resource",
    protects="an edit of the blueprint deleting a bucket, key, registry or database with its data",
    fix="keep the name and location; move a renamed resource with aliases, or migrate the data",
    source="opsblocks data-safety default: renames and moves keep URNs (aliases)",
    check=check,
)
