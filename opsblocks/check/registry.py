"""Every rule, found in `rules/<group>/<module>.py`: one module, one `RULE`. Modules whose
name starts with `_` hold helpers the group's rules share."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from opsblocks.check import rules as rules_package
from opsblocks.check.rule import Group, Rule


@cache
def rules() -> tuple[Rule, ...]:
    """All rules, ordered by id. A module without a RULE, a RULE outside its group's folder or
    two rules with one id are bugs, caught here and by the tests."""
    found: dict[str, Rule] = {}
    for group in Group:
        package = importlib.import_module(f"{rules_package.__name__}.{group.value}")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            rule = getattr(module, "RULE", None)
            if not isinstance(rule, Rule):
                raise TypeError(f"{module.__name__} defines no RULE")
            if rule.group is not group:
                raise ValueError(f"{rule.id} lives in rules/{group.value}/")
            if rule.id in found:
                raise ValueError(f"two rules are called {rule.id}")
            found[rule.id] = rule
    return tuple(found[key] for key in sorted(found))


def ids() -> frozenset[str]:
    return frozenset(rule.id for rule in rules())


def module_of(rule: Rule) -> str:
    """`aws/s3_encryption`: where the rule and its fixtures live."""
    return rule.check.__module__.removeprefix(f"{rules_package.__name__}.").replace(".", "/")
