"""Cloud Build private pools, where the stack creates one, run workers without public IPs."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

POOL = "gcp:cloudbuild/workerPool:WorkerPool"


def check(stack: Stack) -> Iterator[Flag]:
    for pool in stack.of_type(POOL):
        private = pool.get("workerConfig.noExternalIp")
        if is_unknown(private) or is_unknown(pool.get("workerConfig")):
            continue
        if private is not True:
            yield Flag(pool, "private pool workers get public IPs: builds reach the internet")
        if not pool.get("networkConfig.peeredNetwork"):
            yield Flag(pool, "private pool not peered to the platform's network")


RULE = Rule(
    id="OB-GCP-CB-002",
    severity=Severity.medium,
    title="Cloud Build private pools peer with the platform network and give workers no public IP",
    protects="build steps running repository code sending data or credentials to the internet",
    fix="set worker_config no_external_ip=True and network_config peered_network on the WorkerPool",
    source="Cloud Build docs: private pool config (noExternalIp, peeredNetwork)",
    check=check,
)
