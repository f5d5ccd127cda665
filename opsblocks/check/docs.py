"""The rules as documentation: the README's "Checks" table is generated from them."""

from __future__ import annotations

from typing import Any

from opsblocks.check.registry import rules
from opsblocks.check.rule import Group, Rule

GROUP_TITLES = {Group.aws: "AWS", Group.azure: "Azure", Group.gcp: "Google Cloud",
                Group.portable: "Every cloud"}  # fmt: skip


def as_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "group": rule.group.value, "severity": rule.severity.value,
        "title": rule.title, "protects": rule.protects, "fix": rule.fix, "source": rule.source,
    }  # fmt: skip


def markdown_table() -> str:
    lines: list[str] = []
    for group in Group:
        members = [rule for rule in rules() if rule.group is group]
        if not members:
            continue
        lines += [f"**{GROUP_TITLES[group]}** ({len(members)} rules)", "",
                  "| rule | severity | holds when it passes | protects against | source |",
                  "|---|---|---|---|---|"]  # fmt: skip
        lines += [f"| `{r.id}` | {r.severity.value} | {_cell(r.title)} | {_cell(r.protects)} "
                  f"| {_cell(r.source)} |" for r in members]  # fmt: skip
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
