"""ECR lifecycle policies never expire tagged images by count."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, document
from opsblocks.check.rule import Flag, Rule, Severity

LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"


def check(stack: Stack) -> Iterator[Flag]:
    for policy in stack.of_type(LIFECYCLE):
        for rule in as_list(document(policy.get("policy")).get("rules")):
            if not isinstance(rule, Mapping) or not isinstance(rule.get("selection"), Mapping):
                continue
            selection, action = rule["selection"], rule.get("action")
            # `any` selects tagged images too; `tagged` selects those its prefixes or patterns
            # name. Either, counted, expires the image a served model still pulls once enough
            # newer ones are pushed; age and untagged rules do not depend on the push rate.
            if (
                selection.get("tagStatus") in ("any", "tagged")
                and selection.get("countType") == "imageCountMoreThan"
                and (not isinstance(action, Mapping) or action.get("type", "expire") == "expire")
            ):
                yield Flag(
                    policy,
                    f"rule {rule.get('rulePriority')} expires {selection.get('tagStatus')} "
                    f"images beyond the newest {selection.get('countNumber')}",
                )


RULE = Rule(
    id="OB-AWS-ECR-005",
    severity=Severity.high,
    title="ECR lifecycle policies never expire tagged images by count",
    protects="a served model's image expiring after enough newer pushes: the endpoint cannot scale",
    fix="expire untagged images by count; tagged ones only by age, if at all",
    source="opsblocks deploy review: ECR lifecycle expiring served images",
    check=check,
)
