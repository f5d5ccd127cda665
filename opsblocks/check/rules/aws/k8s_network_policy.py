"""EKS clusters enforce Kubernetes network policies (VPC CNI network policy agent)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._eks import CLUSTER, addons


def check(stack: Stack) -> Iterator[Flag]:
    for cluster in stack.of_type(CLUSTER):
        settings = [a.get("configurationValues") for a in addons(stack, cluster, "vpc-cni")]
        if any(is_unknown(s) for s in settings):
            continue
        if not any(_enforces(s) for s in settings):
            yield Flag(cluster, "no vpc-cni add-on with enableNetworkPolicy: network policies "
                                "are accepted but not enforced")  # fmt: skip


def _enforces(settings: object) -> bool:
    if not isinstance(settings, str):
        return False
    try:
        values = json.loads(settings)
    except ValueError:
        return False
    return isinstance(values, dict) and str(values.get("enableNetworkPolicy")).lower() == "true"


RULE = Rule(
    id="OB-AWS-EKS-004",
    severity=Severity.medium,
    title="EKS clusters enforce Kubernetes network policies through the VPC CNI add-on",
    protects="any pod reaching any other: one compromised tool reaches every database and API",
    fix="aws.eks.Addon(addon_name='vpc-cni', configuration_values='{\"enableNetworkPolicy\": "
    '"true"}\')',
    source="Amazon EKS Best Practices Guide, network security (network policies)",
    check=check,
)
