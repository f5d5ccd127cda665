"""The managed network of the Azure ML training workspace and the lake's datastores in it.

The training component owns the managed network whole: its isolation mode and every
user-defined outbound rule are written inline in the workspace (`managed_network`), never as
separate `ManagedNetworkSettingsRule` resources. Those would be a second writer of the same
network: created after the workspace, they race the first compute (which provisions the
network) and drift against the workspace's own `managedNetwork` (pulumi-azure-native #3225).

With only approved outbound traffic (`private`, prod) the rules are private endpoints to the
data lake (`blob` and `dfs`, usable by serverless Spark), to the Azure ML registry
(`amlregistry`; Azure offers Spark only for Storage targets) and to the storage account
(`blob`) and container registry (`registry`) Azure created for that registry, where its
models and environment images are kept: a deployment downloads a registry model from there
("Network isolation with Azure Machine Learning registries": private endpoints to the
registry, its storage and its ACR). Their ids are the registry's outputs, so the rules and
the approver roles on them wait for the registry. Azure adds the endpoints to the workspace's
own storage, vault and container registry itself. The workspace identity (never the workload
identity, which runs user code) approves the endpoints, so it holds, before the workspace
exists: "Azure AI Enterprise Network Connection Approver" on the lake account and on the
registry's storage account and container registry, and Contributor on the ML registry,
because that approver role has no action on `Microsoft.MachineLearningServices/registries`
and Contributor on the target is Microsoft's documented fallback. The workspace is created
with `provision_network_now` (dev and prod: `workspace`), so Azure provisions the
network, rules included, as it creates the workspace: before any compute, datastore or
endpoint, which all name the workspace.

Serverless Spark (the model monitor's signals) needs the network provisioned for Spark too,
which no resource does: run once, after the first deployment,
`az ml workspace provision-network -g <resource group> -n <workspace> --include-spark`.

No FQDN rule is added: the first one makes Azure deploy a billed Azure Firewall.

Datastores: each container of the lake (`data_containers`) becomes an identity-based Azure
ML datastore of the same name (no key or SAS stored in the workspace). Jobs reach the data as
the compute's identity, the workload identity (the data capability grants it Storage Blob
Data Contributor on the lake); the workspace reads it through the workspace identity
(`WorkspaceUserAssignedIdentity`, e.g. studio previews: Storage Blob Data Reader there).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pulumi
import pulumi_azure_native as azure_native

from components.azure.shared import common

if TYPE_CHECKING:
    from components.azure.azureml.args import AzureMlTrainingArgs

ml = azure_native.machinelearningservices

# Approves the private endpoints the workspace's managed network opens to its dependencies.
# Microsoft asks for it on workspaces with a user-assigned identity.
NETWORK_APPROVER = "Azure AI Enterprise Network Connection Approver"
LAKE_GROUPS = ("blob", "dfs")
"""The lake's sub-resources the managed network reaches through private endpoints."""
REGISTRY_RULE = "ml-registry"
"""Name of the managed network's outbound rule to the Azure ML registry."""
REGISTRY_STORES = {"storage": ("ml_registry_storage_id", "blob"),
                   "acr": ("ml_registry_acr_id", "registry")}  # fmt: skip
"""Where the ML registry keeps its assets, by rule suffix: the argument naming it and the
sub-resource its private endpoint reaches."""


def _registry_stores(args: AzureMlTrainingArgs) -> dict[str, tuple[pulumi.Input[str], str]]:
    """The ML registry's storage and container registry, by rule suffix: (id, sub-resource)."""
    return {suffix: (getattr(args, field), group)
            for suffix, (field, group) in REGISTRY_STORES.items()}  # fmt: skip


def check_data(args: AzureMlTrainingArgs) -> None:
    """Refuses datastores without their account, or with names Azure ML would reject."""
    if args.data_containers and (args.data_account_name is None or args.data_account_id is None):
        raise ValueError("data_containers needs data_account_name and data_account_id")
    if args.private and args.ml_registry_id is not None:
        for field, _ in REGISTRY_STORES.values():
            if getattr(args, field) is None:
                raise ValueError(
                    f"a private workspace with ml_registry_id needs {field}: the registry's "
                    "models and images are downloaded from there"
                )
    for container in args.data_containers:
        if not re.fullmatch(r"[a-z0-9]{3,63}", container):
            raise ValueError(
                f"data container {container!r} must be 3-63 lowercase letters or digits: it "
                "names a blob container and a datastore (letters, digits and underscores)"
            )


def _private_endpoint(
    target: pulumi.Input[str], subresource: str, *, spark: bool
) -> azure_native.machinelearningservices.PrivateEndpointOutboundRuleArgs:
    return ml.PrivateEndpointOutboundRuleArgs(
        type="PrivateEndpoint",
        category=ml.RuleCategory.USER_DEFINED,
        destination=ml.PrivateEndpointDestinationArgs(
            service_resource_id=target, subresource_target=subresource, spark_enabled=spark
        ),
    )


def outbound_rules(
    args: AzureMlTrainingArgs,
) -> dict[str, azure_native.machinelearningservices.PrivateEndpointOutboundRuleArgs]:
    """The user-defined outbound rules, by name: private endpoints to the lake, to the ML
    registry and to its storage and container registry, in prod (`private`) only; dev reaches
    them over the internet."""
    if not args.private:
        return {}
    rules: dict[str, azure_native.machinelearningservices.PrivateEndpointOutboundRuleArgs] = {}
    if args.data_account_id is not None:
        for group in LAKE_GROUPS:
            rules[f"data-lake-{group}"] = _private_endpoint(args.data_account_id, group, spark=True)
    if args.ml_registry_id is not None:
        rules[REGISTRY_RULE] = _private_endpoint(args.ml_registry_id, "amlregistry", spark=False)
        for suffix, (target, group) in _registry_stores(args).items():
            rules[f"{REGISTRY_RULE}-{suffix}"] = _private_endpoint(target, group, spark=False)
    return rules


def managed_network(
    args: AzureMlTrainingArgs,
) -> azure_native.machinelearningservices.ManagedNetworkSettingsArgs:
    """Only approved outbound traffic in prod, internet outbound otherwise; the rules inline."""
    isolation = ml.IsolationMode
    return ml.ManagedNetworkSettingsArgs(
        isolation_mode=(
            isolation.ALLOW_ONLY_APPROVED_OUTBOUND if args.private
            else isolation.ALLOW_INTERNET_OUTBOUND
        ),
        outbound_rules=outbound_rules(args) or None,
    )  # fmt: skip


def network_grants(
    name: str, args: AzureMlTrainingArgs, *, parent: pulumi.Resource
) -> list[pulumi.Resource]:
    """The workspace identity's roles on the rules' targets, each on that one resource; the
    workspace waits for them, since Azure approves the endpoints as its identity when it
    creates it."""
    if not args.private:
        return []
    grants: list[pulumi.Resource] = []
    if args.data_account_id is not None:
        grants.append(common.grant(
            f"{name}-data-lake-approver", role=NETWORK_APPROVER, scope=args.data_account_id,
            principal_id=args.identity_principal_id, parent=parent))  # fmt: skip
    if args.ml_registry_id is not None:
        # The approver role has no action on Microsoft.MachineLearningServices/registries:
        # Contributor on the registry is Microsoft's documented fallback.
        grants.append(common.grant(
            f"{name}-ml-registry-contributor", role="Contributor", scope=args.ml_registry_id,
            principal_id=args.identity_principal_id, parent=parent))  # fmt: skip
        grants += [
            common.grant(f"{name}-{REGISTRY_RULE}-{suffix}-approver", role=NETWORK_APPROVER,
                         scope=target, principal_id=args.identity_principal_id, parent=parent)
            for suffix, (target, _) in _registry_stores(args).items()
        ]  # fmt: skip
    return grants


def datastores(
    name: str,
    args: AzureMlTrainingArgs,
    *,
    workspace_name: pulumi.Input[str],
    parent: pulumi.Resource,
) -> list[str]:
    """One identity-based ADLS Gen2 datastore per lake container, named like it."""
    if not args.data_containers or args.data_account_id is None or args.data_account_name is None:
        return []
    arm_id = pulumi.Output.from_input(args.data_account_id)
    by_identity = ml.ServiceDataAccessAuthIdentity.WORKSPACE_USER_ASSIGNED_IDENTITY
    for container in args.data_containers:
        ml.Datastore(
            f"{name}-{container}-datastore", name=container, workspace_name=workspace_name,
            resource_group_name=args.resource_group_name,
            properties=ml.AzureDataLakeGen2DatastoreArgs(
                datastore_type="AzureDataLakeGen2", account_name=args.data_account_name,
                filesystem=container,
                # The lake's subscription and resource group, read from its ARM id.
                subscription_id=arm_id.apply(lambda found: found.split("/")[2]),
                resource_group=arm_id.apply(lambda found: found.split("/")[4]),
                # Identity-based: no key or SAS is stored in the workspace.
                credentials=ml.NoneDatastoreCredentialsArgs(credentials_type="None"),
                service_data_access_auth_identity=by_identity,
                description=f"opsblocks {name}: the {container} container of the lake",
                tags=dict(args.tags)),
            opts=pulumi.ResourceOptions(parent=parent),
        )  # fmt: skip
    return list(args.data_containers)
