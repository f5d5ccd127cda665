"""A Helm release installs the chart version that was reviewed, not whatever is newest."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

RELEASE = "kubernetes:helm.sh/v3:Release"
EXACT = re.compile(r"v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")
"""One SemVer version: no range (^1.2, ~1.2, >=1.2, 1.x, 1.2.*), no `latest`."""


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(RELEASE):
        version = node.get("version")
        if is_unknown(version):
            continue
        if not isinstance(version, str) or not version.strip():
            yield Flag(node, f"chart {node.get('chart')!r} without a version: the newest installs")
        elif not EXACT.fullmatch(version.strip()):
            yield Flag(node, f"chart {node.get('chart')!r} at {version!r}: a range, not a version")


RULE = Rule(
    id="OB-ALL-HELM-001",
    severity=Severity.high,
    title="Every Helm release pins its chart to one exact version",
    protects="an unreviewed chart release (new defaults, a compromised publish) installed on an up",
    fix="set version= to the exact chart version that was reviewed, e.g. 1.12.0",
    source="opsblocks supply-chain default: Helm charts are Release resources with pinned versions",
    check=check,
)
