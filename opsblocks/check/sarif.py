"""SARIF 2.1.0, so code-scanning UIs show the findings on the pull request that causes them.

A finding is located at its capability's line in the blueprint (the foundation at `name`);
the resource is its logical location. A waived finding is a result with an in-source
suppression carrying the waiver's reason, so the UI shows it as dismissed, not as gone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opsblocks import __version__
from opsblocks.check.rule import Rule, Severity
from opsblocks.check.run import Finding, Report

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {Severity.critical: "error", Severity.high: "error", Severity.medium: "warning",
          Severity.low: "note"}  # fmt: skip
SECURITY_SEVERITY = {Severity.critical: "9.5", Severity.high: "8.0", Severity.medium: "5.5",
                     Severity.low: "2.0"}  # fmt: skip
"""The CVSS-like score GitHub code scanning sorts security results by."""


@dataclass(frozen=True)
class Checked:
    """One blueprint's report, and where its capabilities stand in its file."""

    file: str
    """The blueprint's path as the repository names it (forward slashes, relative)."""
    report: Report
    lines: Mapping[str, int]
    """capability (and "foundation") -> line in the file."""


def sarif(checked: Sequence[Checked], rules: Sequence[Rule]) -> dict[str, Any]:
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [_result(c, f, index) for c in checked for f in c.report.findings]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "opsblocks",
                        "version": __version__,
                        "rules": [_descriptor(rule) for rule in rules],
                    }
                },
                "results": results,
            }
        ],
    }


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(w.capitalize() for w in rule.title.split() if w.isalnum())[:120],
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title}. Protects against {rule.protects}."},
        "help": {"text": f"Fix: {rule.fix} (source: {rule.source})"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "tags": ["security", rule.group.value, rule.area.lower()],
        },
    }


def _result(checked: Checked, finding: Finding, index: Mapping[str, int]) -> dict[str, Any]:
    rule, node = finding.rule, finding.node
    line = checked.lines.get(finding.capability) or checked.lines.get("foundation") or 1
    result: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": index[rule.id],
        "level": LEVELS[rule.severity],
        "message": {"text": f"{node.type} {node.name}: {finding.message}. Fix: {rule.fix}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": checked.file},
                    "region": {"startLine": line},
                },
                "logicalLocations": [
                    {"name": node.name, "fullyQualifiedName": node.urn, "kind": "resource"}
                ],
            }
        ],
        "partialFingerprints": {"opsblocksFinding/v1": _fingerprint(rule.id, node.urn)},
    }
    if finding.waiver is not None:
        result["suppressions"] = [
            {"kind": "inSource", "status": "accepted", "justification": finding.waiver.reason}
        ]
    return result


def _fingerprint(rule: str, urn: str) -> str:
    """Stable across runs and line moves: the same rule on the same resource is one alert."""
    return hashlib.sha256(f"{rule}\n{urn}".encode()).hexdigest()[:32]
