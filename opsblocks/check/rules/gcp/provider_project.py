"""An explicit gcp provider carries the stack's project.

An explicit provider reads no stack config: without `project` it takes the project from the
shell (gcloud's default, GOOGLE_PROJECT), so the platform lands in whatever project the
operator last used, or the first `up` fails on resources that need one.
"""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PROVIDER = "pulumi:providers:gcp"


def check(stack: Stack) -> Iterator[Flag]:
    for provider in stack.of_type(PROVIDER):
        if provider.name.startswith("default"):
            continue  # the default provider reads gcp:project from the stack itself
        project = provider.get("project")
        if is_unknown(project):
            continue
        if not isinstance(project, str) or not project.strip():
            yield Flag(
                provider,
                "explicit gcp provider without a project: it falls back to the shell's project",
            )


RULE = Rule(
    id="OB-GCP-PROV-001",
    severity=Severity.critical,
    title="The explicit gcp provider is given the stack's project",
    protects="the platform deployed into the shell's default project, or the first up failing",
    fix="pass project=<stack gcp:project> to gcp.Provider (opsblocks.providers.stack_settings)",
    source="opsblocks deploy review: an explicit provider does not read the stack's settings",
    check=check,
)
