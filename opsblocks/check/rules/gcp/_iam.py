"""IAM helpers the GCP rules share: who a grant names, in every shape the provider takes it.

A grant is additive (`*IAMMember`: one role, one member), authoritative for one role
(`*IAMBinding`: one role, its members) or authoritative for the whole resource (`*IAMPolicy`:
every binding, in `policyData`, the JSON of `organizations.get_iam_policy`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opsblocks.check.graph import Node, Stack, as_list, document, is_unknown

PUBLIC = ("allUsers", "allAuthenticatedUsers")
"""Everyone on the internet, and everyone with a Google account."""

CUSTOM_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole"

# The authoritative policies of each resource the rules read, by the grants they stand beside.
PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy"
FOLDER_POLICY = "gcp:folder/iAMPolicy:IAMPolicy"
ORGANIZATION_POLICY = "gcp:organizations/iAMPolicy:IAMPolicy"
BUCKET_POLICIES = ("gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
                   "gcp:storage/managedFolderIamPolicy:ManagedFolderIamPolicy")  # fmt: skip
KEY_POLICIES = ("gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy",
                "gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy")  # fmt: skip
DATASET_POLICY = "gcp:bigquery/datasetIamPolicy:DatasetIamPolicy"
SERVICE_ACCOUNT_POLICY = "gcp:serviceaccount/iAMPolicy:IAMPolicy"


def is_policy(node: Node) -> bool:
    """An authoritative `*IAMPolicy`/`*IamPolicy` resource: its grants sit in `policyData`."""
    return node.type.rsplit(":", 1)[-1].lower().endswith("iampolicy")


def bindings(node: Node) -> Iterator[tuple[Any, list[Any]]]:
    """(role, members) of each binding a grant makes; nothing when the policy is unknown."""
    if is_policy(node):
        for binding in as_list(document(node.get("policyData")).get("bindings")):
            if isinstance(binding, Mapping):
                yield binding.get("role"), as_list(binding.get("members"))
        return
    yield node.get("role"), as_list(node.get("member")) + as_list(node.get("members"))


def public_grants(node: Node) -> Iterator[tuple[Any, list[str]]]:
    """(role, public principals) of each binding that names allUsers or allAuthenticatedUsers."""
    for role, members in bindings(node):
        public = [m for m in members if m in PUBLIC]
        if public:
            yield role, public


def roles(node: Node) -> Iterator[Any]:
    """Every role the grant gives (one for a member or binding, each binding's for a policy)."""
    return (role for role, _ in bindings(node))


def custom_role_permissions(stack: Stack, grant: Node, role: Any) -> frozenset[str] | None:
    """The permissions of the project custom role a grant gives: the role named by its id
    (`projects/<p>/roles/<roleId>`), else, while the id is unknown, the custom role the grant
    depends on. None when the role is no custom role of the stack."""
    custom = list(stack.of_type(CUSTOM_ROLE))
    if isinstance(role, str) and not is_unknown(role):
        role_id = role.rsplit("/roles/", 1)[-1] if "/roles/" in role else None
        found = [c for c in custom if role_id is not None and c.get("roleId") == role_id]
    else:
        found = [c for c in custom if c.urn in grant.dependencies]
    if not found:
        return None
    return frozenset(p for c in found for p in as_list(c.get("permissions")) if isinstance(p, str))
