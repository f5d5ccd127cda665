"""No alert policy watches a log-based metric created in the same `pulumi up`.

Cloud Monitoring refuses a policy on a user log-based metric with 404 "Cannot find metric(s)"
until the metric's descriptor exists, which takes up to minutes after the metric is created:
the first `up` fails. A log-match condition (`condition_matched_log`) needs no metric.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
METRIC = "gcp:logging/metric:Metric"
USER_METRIC = re.compile(r"logging\.googleapis\.com/user/([A-Za-z0-9_./%-]+)")
QUERIES = (
    "conditionThreshold.filter",
    "conditionAbsent.filter",
    "conditionMonitoringQueryLanguage.query",
    "conditionPrometheusQueryLanguage.query",
)


def check(stack: Stack) -> Iterator[Flag]:
    metrics = {m.get("name"): m for m in stack.of_type(METRIC)}
    for policy in stack.of_type(POLICY):
        named: set[str] = set()
        for condition in as_list(policy.get("conditions")):
            for path in QUERIES:
                text = condition.get(path.split(".")[0], {}) if isinstance(condition, dict) else {}
                query = text.get(path.split(".")[1]) if isinstance(text, dict) else None
                if isinstance(query, str) and not is_unknown(query):
                    named |= {name.strip('"') for name in USER_METRIC.findall(query)}
        created = sorted(n for n in named if n in metrics)
        # Offline the metric's name may be unknown: the policy then takes it as an output.
        created += sorted(
            m.name
            for m in stack.of_type(METRIC)
            if m.urn in policy.dependencies and m.get("name") not in named
        )
        if created:
            yield Flag(
                policy,
                f"alerts on log-based metric {', '.join(created)} created in the "
                f"same up: Monitoring answers 404 until it exists",
            )


RULE = Rule(
    id="OB-GCP-MON-001",
    severity=Severity.critical,
    title="Alert policies use log-match conditions or metrics that already exist",
    protects="the first up failing with 404 Cannot find metric(s) on a just-created log metric",
    fix="use condition_matched_log with the metric's log filter instead of a metric threshold",
    source="opsblocks deploy review: alerts on a log-based metric created in the same up",
    check=check,
)
