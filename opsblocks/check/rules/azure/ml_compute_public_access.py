"""Azure ML computes have no public IP and no public SSH."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

NODES = ("AmlCompute", "ComputeInstance")


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type("azure-native:machinelearningservices:Compute"):
        kind = node.get("properties.computeType")
        if kind not in NODES:
            continue
        settings = node.get("properties.properties") or {}
        if is_unknown(settings):
            continue
        problems = []
        public_ip = settings.get("enableNodePublicIp")
        # The service default is true: a public IP per node unless told otherwise.
        if public_ip is not False and not is_unknown(public_ip):
            problems.append("nodes get public IPs (enableNodePublicIp)")
        if settings.get("remoteLoginPortPublicAccess") == "Enabled":
            problems.append("SSH port open (remoteLoginPortPublicAccess: Enabled)")
        if (settings.get("sshSettings") or {}).get("sshPublicAccess") == "Enabled":
            problems.append("SSH open (sshSettings.sshPublicAccess: Enabled)")
        if problems:
            yield Flag(node, f"{kind}: {'; '.join(problems)}")


RULE = Rule(
    id="OB-AZURE-ML-004",
    severity=Severity.high,
    title="Azure ML clusters and compute instances have no public IP and no public SSH",
    protects="training nodes and notebooks exposed to the internet, reached around the workspace",
    fix=(
        "set enable_node_public_ip=False and "
        'remote_login_port_public_access / ssh_public_access "Disabled"'
    ),
    source="MCSB NS-2 (Azure ML security baseline: no public IP for compute)",
    check=check,
)
