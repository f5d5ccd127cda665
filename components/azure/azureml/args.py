"""The training component's Args, apart from the component: its helper modules (`compute`,
`network`, `storage`, `workspace`) take them and the component imports those helpers, so the
Args live where neither imports the other back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.azure.azureml.options import AzureMlOptions


@dataclass(frozen=True, kw_only=True)
class AzureMlTrainingArgs:
    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    resource_group_id: pulumi.Input[str]
    """Where the no-serving custom role is defined and assignable."""
    location: str
    unique_suffix: pulumi.Input[str]
    """Six hex characters appended to the globally unique names."""
    workspace_name: str
    """Name of the workspace, e.g. `fraud-prod`."""
    storage_prefix: str
    """Lowercase letters and digits: the workspace storage account is this plus the suffix."""
    identity_id: pulumi.Input[str]
    """The foundation's workspace identity (`identity_id`): the workspace's identity and the
    one its storage reads the key with. Resolves once it may use the key and manage the
    vault's secrets, so the storage and the workspace wait for those roles."""
    identity_principal_id: pulumi.Input[str]
    """Entra object id of the workspace identity: the control-plane grants name it."""
    workload_identity_id: pulumi.Input[str]
    """The foundation's `workload_identity_id`: the cluster and the compute instance run as
    it."""
    workload_identity_principal_id: pulumi.Input[str]
    """Entra object id of the workload identity: its data and workspace grants name it."""
    serving_identity_id: pulumi.Input[str]
    """The foundation's `serving_identity_id`, which online endpoints run as: it pulls from the
    workspace's registry, reads and writes its storage (models; the data collector's production
    data) and writes metrics (`serving_access`)."""
    serving_identity_principal_id: pulumi.Input[str]
    key_vault_id: pulumi.Input[str]
    """The platform key vault: the workspace keeps its secrets there; it holds the CMK too."""
    app_insights_id: pulumi.Input[str]
    log_workspace_id: pulumi.Input[str]
    acr_id: pulumi.Input[str]
    """Container registry of the registry capability (which grants AcrPush)."""
    ml_registry_id: pulumi.Input[str] | None = None
    """Azure ML registry of the registry capability: with `private`, the managed network gets
    a private-endpoint outbound rule to it (`ml-registry`)."""
    ml_registry_storage_id: pulumi.Input[str] | None = None
    """The storage account Azure created for the ML registry (its assets): with `private` and
    `ml_registry_id`, a private-endpoint rule to its blob endpoint (`ml-registry-storage`)."""
    ml_registry_acr_id: pulumi.Input[str] | None = None
    """The container registry Azure created for the ML registry (its environments' images):
    with `private` and `ml_registry_id`, a private-endpoint rule to it (`ml-registry-acr`)."""
    data_account_name: pulumi.Input[str] | None = None
    """The data lake (ADLS Gen2) account of the data capability; needed with `data_containers`."""
    data_account_id: pulumi.Input[str] | None = None
    """ARM id of that account: with `private`, the managed network gets private-endpoint
    outbound rules to its blob and dfs endpoints (`data-lake-blob`, `data-lake-dfs`)."""
    data_containers: Sequence[str] = ()
    """Containers of the lake to register as datastores of the same name; empty: none."""
    tenant_id: pulumi.Input[str] | None = None
    """Entra tenant of `compute_instance_user`; needed with `compute_instance`."""
    customer_managed_key: bool = False
    key_vault_uri: pulumi.Input[str] | None = None
    key_name: pulumi.Input[str] | None = None
    private: bool = False
    """Workspace reachable through its private endpoint only; approved outbound traffic only."""
    subnet_id: pulumi.Input[str] | None = None
    dns_zone_ids: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    protect: bool = False
    options: AzureMlOptions = field(default_factory=AzureMlOptions)
    """The tool's options, as the blueprint gave them (validated)."""
