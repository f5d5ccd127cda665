"""Every service that encrypts with the platform key may use it before its first resource.

A bucket, dataset, repository, Vertex AI resource, topic or disk created with a customer-managed
key fails to create unless the service's agent holds `cryptoKeyEncrypterDecrypter` on the key,
and the grant must exist before the resource: the resource depends on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.gcp._cmek import VERTEX_KEEPS_DATA, VERTEX_KEY

KEY_GRANTS = ("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
              "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding")  # fmt: skip
SERVICE_IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity"
USE_KEY = ("roles/cloudkms.cryptoKeyEncrypterDecrypter",)

# Where each CMEK-using resource names its key, and the service whose agent uses it.
USERS: dict[str, tuple[str, str]] = {
    "gcp:storage/bucket:Bucket": ("storage", "encryption.defaultKmsKeyName"),
    "gcp:bigquery/dataset:Dataset": ("bigquery", "defaultEncryptionConfiguration.kmsKeyName"),
    "gcp:artifactregistry/repository:Repository": ("artifactregistry", "kmsKeyName"),
    "gcp:pubsub/topic:Topic": ("pubsub", "kmsKeyName"),
    # Every Vertex AI resource OB-GCP-VERTEX-001 wants on the key: the Vertex AI agent uses it.
    **{type_: ("aiplatform", VERTEX_KEY) for type_ in VERTEX_KEEPS_DATA},
    # Workbench disks are Compute Engine disks: the Compute Engine agent uses the key.
    "gcp:workbench/instance:Instance": ("compute", "gceSetup.bootDisk.kmsKey"),
    # GKE's agent encrypts the cluster's secrets; node boot disks are Compute Engine disks.
    "gcp:container/cluster:Cluster": ("container", "databaseEncryption.keyName"),
    "gcp:container/nodePool:NodePool": ("compute", "nodeConfig.bootDiskKmsKey"),
}
AGENT_DOMAINS = {
    "gs-project-accounts.iam.gserviceaccount.com": "storage",
    "bigquery-encryption.iam.gserviceaccount.com": "bigquery",
    "compute-system.iam.gserviceaccount.com": "compute",
    "container-engine-robot.iam.gserviceaccount.com": "container",
}
GCP_SA = re.compile(r"@gcp-sa-([a-z0-9-]+)\.iam\.gserviceaccount\.com$")
SERVICES = frozenset(service for service, _ in USERS.values())


def _service_of(stack: Stack, grant: Node) -> str | None:
    """The service whose agent a key grant is for: its member when known, else the service
    identity it takes the member from, else the `-<service>` its name ends with."""
    for member in as_list(grant.get("member")) + as_list(grant.get("members")):
        if not isinstance(member, str) or is_unknown(member):
            continue
        domain = member.rsplit("@", 1)[-1]
        if domain in AGENT_DOMAINS:
            return AGENT_DOMAINS[domain]
        found = GCP_SA.search(member)
        if found:
            return found.group(1)
        return None
    for urn in grant.dependencies:
        identity = stack.by_urn.get(urn)
        if identity is not None and identity.type == SERVICE_IDENTITY:
            service = identity.get("service")
            if isinstance(service, str) and not is_unknown(service):
                return service.split(".")[0]
    suffix = grant.name.rsplit("-", 1)[-1]
    return suffix if suffix in SERVICES else None


def _after(stack: Stack, node: Node) -> set[str]:
    """Every resource `node` waits for, directly or through others."""
    seen: set[str] = set()
    todo = list(node.dependencies)
    while todo:
        urn = todo.pop()
        if urn not in seen:
            seen.add(urn)
            dependency = stack.by_urn.get(urn)
            todo.extend(dependency.dependencies if dependency else ())
    return seen


def check(stack: Stack) -> Iterator[Flag]:
    grants: dict[str, list[Node]] = {}
    for grant in stack.of_type(*KEY_GRANTS):
        if grant.get("role") in USE_KEY:
            service = _service_of(stack, grant)
            if service:
                grants.setdefault(service, []).append(grant)
    for node in stack.custom():
        if node.type not in USERS:
            continue
        service, path = USERS[node.type]
        if not node.get(path):
            continue  # no customer-managed key (other rules say whether one is needed)
        given = grants.get(service, [])
        if not given:
            yield Flag(
                node,
                f"uses a KMS key but the {service} service agent holds no "
                f"cryptoKeyEncrypterDecrypter grant on it",
            )
        elif not {g.urn for g in given} & _after(stack, node):
            names = ", ".join(g.name for g in given)
            yield Flag(
                node,
                f"may be created before the {service} agent's key grant ({names}): "
                f"the first up fails",
            )


RULE = Rule(
    id="OB-GCP-KMS-003",
    severity=Severity.critical,
    title="Each service encrypting with the platform key holds a grant on it before first use",
    protects="the first up failing when a service creates a CMEK resource its agent cannot encrypt",
    fix="grant the agent roles/cloudkms.cryptoKeyEncrypterDecrypter on the key; the resource waits",
    source="opsblocks deploy review: services that must use the platform key can",
    check=check,
)
