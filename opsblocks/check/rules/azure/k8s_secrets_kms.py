"""AKS clusters encrypt their secrets in etcd with a Key Vault key (KMS)."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Stack, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

CLUSTER = "azure-native:containerservice:ManagedCluster"


def check(stack: Stack) -> Iterator[Flag]:
    for node in stack.of_type(CLUSTER):
        kms = node.get("securityProfile.azureKeyVaultKms") or {}
        enabled, key = kms.get("enabled"), kms.get("keyId")
        if is_unknown(enabled):
            continue
        if enabled is not True or not key:
            yield Flag(node, "AKS secrets are not encrypted with a Key Vault key (KMS is off)")


RULE = Rule(
    id="OB-AZURE-AKS-002",
    severity=Severity.high,
    title="AKS clusters encrypt Kubernetes secrets with the platform's Key Vault key (KMS)",
    protects="secrets in etcd readable from a copy of the cluster's store, under no key of yours",
    fix="set security_profile.azure_key_vault_kms: enabled, key_id and the vault's resource id",
    source="MCSB DP-5 (customer-managed key for data at rest); AKS security baseline",
    check=check,
)
