"""The foundation's three user-assigned managed identities, kept apart so that no code runs
with more than its own job needs.

- The workspace identity (`<name>-identity`): the Azure ML workspace's control-plane identity
  and the one the stores read the customer-managed key with. It runs no user code.
- The workload identity (`<name>-workload`): cluster jobs, notebooks and serverless Spark run
  as it. The capabilities grant it data access, never a key, the vault or a Contributor role.
- The serving identity (`<name>-serving`): online endpoints run as it. A model server faces
  the network, so it holds none of the workload identity's rights to push images, register
  models or write training data: the training capability grants it only what Microsoft
  documents for an endpoint's identity (pull images, read model files, write metrics), and
  the CI/CD deploy identity may assign it.

None of them gets a role here; the foundation grants the workspace identity its roles on the
key and the vault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native.managedidentity import UserAssignedIdentity


@dataclass(frozen=True)
class PlatformIdentities:
    workspace: UserAssignedIdentity
    workload: UserAssignedIdentity
    serving: UserAssignedIdentity


def platform_identities(
    name: str,
    *,
    resource_group_name: pulumi.Input[str],
    location: str,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> PlatformIdentities:
    """The three identities, in the resource group, named `<name>-identity`, `-workload` and
    `-serving` (names that keep the existing identities' URNs)."""

    def identity(role: str) -> UserAssignedIdentity:
        return UserAssignedIdentity(
            f"{name}-{role}", resource_group_name=resource_group_name, location=location,
            tags=dict(tags), opts=pulumi.ResourceOptions(parent=parent),
        )  # fmt: skip

    return PlatformIdentities(
        workspace=identity("identity"), workload=identity("workload"), serving=identity("serving")
    )
