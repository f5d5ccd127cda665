"""No credentials in plain-text CodeBuild environment variables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list
from opsblocks.check.rule import Flag, Rule, Severity

PROJECT = "aws:codebuild/project:Project"
SECRET_NAME = re.compile(
    r"(^AWS_ACCESS_KEY_ID$|^AWS_SECRET_ACCESS_KEY$|^AWS_SESSION_TOKEN$|PASSWORD|PASSWD|SECRET"
    r"|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)",
    re.IGNORECASE,
)


def check(stack: Stack) -> Iterator[Flag]:
    for project in stack.of_type(PROJECT):
        for variable in as_list(project.get("environment.environmentVariables")):
            if not isinstance(variable, Mapping):
                continue
            kind = variable.get("type") or "PLAINTEXT"
            name = str(variable.get("name", ""))
            if kind == "PLAINTEXT" and SECRET_NAME.search(name):
                yield Flag(project, f"environment variable {name} holds a secret in plain text")


RULE = Rule(
    id="OB-AWS-CB-004",
    severity=Severity.critical,
    title="CodeBuild environment variables carry no credentials in plain text",
    protects="keys and tokens readable by anyone who can view the project or its build logs",
    fix="environment variable type SECRETS_MANAGER or PARAMETER_STORE for secrets, never PLAINTEXT",
    source="AWS FSBP CodeBuild.2",
    check=check,
)
