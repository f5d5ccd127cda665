"""Cloud Build triggers on pull requests wait for a maintainer's /gcbrun comment.

Without comment control a pull request from anyone (a fork, an outside contributor) runs its
own build steps as the trigger's service account, with every grant that account holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

TRIGGER = "gcp:cloudbuild/trigger:Trigger"
PULL_REQUESTS = ("github.pullRequest", "repositoryEventConfig.pullRequest",
                 "bitbucketServerTriggerConfig.pullRequest",
                 "developerConnectEventConfig.pullRequest")  # fmt: skip
"""Where a trigger says it runs on pull requests: 1st-gen GitHub app, 2nd-gen repositories,
Bitbucket Server and Developer Connect (each `pullRequest` with its own `commentControl`)."""
GATED = ("COMMENTS_ENABLED", "COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY")
"""Unset is COMMENTS_DISABLED (the API's 0): builds fire without a maintainer's comment."""


def check(stack: Stack) -> Iterator[Flag]:
    for trigger in stack.of_type(TRIGGER):
        for path in PULL_REQUESTS:
            pull_request = trigger.get(path)
            if is_unknown(pull_request) or not isinstance(pull_request, Mapping):
                continue
            control = pull_request.get("commentControl")
            if is_unknown(control) or control in GATED:
                continue
            yield Flag(
                trigger,
                f"pull request builds run without a /gcbrun comment "
                f"(comment_control {control or 'unset: COMMENTS_DISABLED'})",
            )


RULE = Rule(
    id="OB-GCP-CB-003",
    severity=Severity.high,
    title="Cloud Build pull request triggers require a maintainer's /gcbrun comment",
    protects="anyone opening a pull request running code as the trigger's service account",
    fix="set pull_request comment_control to COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY",
    source="Cloud Build docs: PullRequestFilter.commentControl (comment control)",
    check=check,
)
