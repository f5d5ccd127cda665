"""Azure: the foundation, then data, registry, training, serving, monitoring, validation, CI/CD.

The training capability's workspace owns what points into it: the Azure ML datastores of the
data lake, and in prod its managed network's private-endpoint rules to the lake, the ML
registry and the storage and container registry Azure created for it, all declared with the
workspace so the network is provisioned once, before any compute. Monitoring is built before
validation because the quality gate notifies the monitoring capability's action group. Each
component receives outputs only, never another component.

Names: the blueprint name prefixes everything. Globally unique names (storage accounts, key
vault, container registry, Azure ML registry, online endpoint) end in the foundation's
`unique_suffix`, six characters derived from the resource group id, so two environments or two
subscriptions never collide and a name never changes between runs.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native as azure_native

from components.azure.cicd_agents import vnet_id
from components.azure.private_network import agent_subnet_prefix, vnet_name
from opsblocks import catalog
from opsblocks.blueprint import Blueprint
from opsblocks.environment import profile
from opsblocks.model import Capability, Cloud, Environment
from opsblocks.providers import stack_settings
from opsblocks.tags import platform_tags

# The lake's containers, registered as Azure ML datastores of the same names; the model monitor
# compares production traffic with the training data (an MLTable folder) in `curated`.
DATASTORES = ("raw", "curated")
REFERENCE_DATA_URI = "azureml://datastores/curated/paths/training/"


def build(bp: Blueprint) -> dict[str, pulumi.Input[Any]]:
    env = profile(bp.environment)
    tools = bp.tools()
    prod = bp.environment is Environment.prod
    # The blueprint decides the location; the subscription, tenant and credentials settings
    # come from the stack's azure-native config (or the environment the provider reads).
    provider = azure_native.Provider(
        "azure-native",
        **stack_settings(
            "azure-native", azure_native.ProviderArgs, decided={"location": bp.region}
        ),
    )
    opts = pulumi.ResourceOptions(providers=[provider])
    compact = bp.name.replace("-", "")
    physical = f"{bp.name}-{bp.environment.value}"

    def tags(capability: str, tool: str) -> dict[str, str]:
        return platform_tags(blueprint=bp.name, environment=bp.environment.value,
                             capability=capability, tool=tool, extra=bp.tags)  # fmt: skip

    def make(capability: Capability, **inputs: Any) -> Any:
        spec = tools[capability]
        component, args = catalog.find(Cloud.azure, capability, spec.tool).load()
        options = spec.options.model_dump()
        return component(
            f"{bp.name}-{capability.value}",
            args(tags=tags(capability.value, spec.tool), **inputs, **options),
            opts,
        )

    foundation_cls, foundation_args = catalog.foundation(Cloud.azure).load()
    foundation_inputs = foundation_args(
        tags=tags("foundation", "foundation"),
        location=bp.region,
        resource_group_name=physical,
        key_vault_prefix=f"{bp.name}-",
        protect=env.protect_data,
        log_retention_days=env.log_retention_days,
        private_network=prod,
    )
    base = foundation_cls(bp.name, foundation_inputs, opts)
    group = {"resource_group_name": base.resource_group_name, "location": bp.region}
    unique = {**group, "unique_suffix": base.unique_suffix}
    # Three identities: the workspace's (control plane; storage reads the key with it), the
    # workload's, which runs user code (jobs, notebooks, drift jobs), and serving's (endpoints).
    workspace_identity = {"identity_id": base.identity_id,
                          "identity_principal_id": base.identity_principal_id,
                          "identity_client_id": base.identity_client_id}  # fmt: skip
    key = {"customer_managed_key": prod, "key_vault_uri": base.key_vault_uri,
           "key_name": base.key_name}  # fmt: skip
    private = {"subnet_id": base.subnet_id, "dns_zone_ids": base.dns_zone_ids}
    outputs: dict[str, pulumi.Input[Any]] = {
        "resource_group": base.resource_group_name,
        "key_vault_uri": base.key_vault_uri,
        "workload_identity_client_id": base.workload_identity_client_id,
    }

    data = None
    if Capability.data in tools:
        data = make(
            Capability.data,
            **unique, **key, **private,
            identity_id=base.identity_id,
            identity_principal_id=base.workload_identity_principal_id,
            reader_principal_id=base.identity_principal_id,
            account_prefix=f"{compact}dl",
            protect=env.protect_data,
        )  # fmt: skip
        outputs |= {"data_uri": data.data_uri, "data_account": data.account_name}

    registry = None
    if Capability.registry in tools:
        # The container registry keeps Microsoft-managed keys: it cannot reach a key in the
        # firewalled vault through a user-assigned identity (see the component).
        registry = make(
            Capability.registry,
            **unique, **private,
            identity_principal_id=base.workload_identity_principal_id,
            registry_prefix=f"{bp.name}-",
            acr_prefix=compact,
            private=prod,
            protect=env.protect_data,
        )  # fmt: skip
        outputs |= {"model_registry": registry.registry_uri,
                    "image_repository_url": registry.acr_login_server}  # fmt: skip

    training = None
    if Capability.training in tools:
        assert data is not None and registry is not None  # REQUIRES guarantees them
        training = make(
            Capability.training,
            **unique, **workspace_identity, **key, **private,
            workload_identity_id=base.workload_identity_id,
            workload_identity_principal_id=base.workload_identity_principal_id,
            serving_identity_id=base.serving_identity_id,
            serving_identity_principal_id=base.serving_identity_principal_id,
            workspace_name=physical,
            resource_group_id=base.resource_group_id,
            storage_prefix=f"{compact}ml",
            key_vault_id=base.key_vault_id,
            app_insights_id=base.app_insights_id,
            log_workspace_id=base.log_workspace_id,
            acr_id=registry.acr_id,
            ml_registry_id=registry.ml_registry_id,
            # Where the ML registry keeps models and images: prod's managed network needs both.
            ml_registry_storage_id=registry.ml_registry_storage_id,
            ml_registry_acr_id=registry.ml_registry_acr_id,
            data_account_name=data.account_name,
            data_account_id=data.account_id,
            data_containers=DATASTORES,
            tenant_id=base.tenant_id,
            private=prod,
            protect=env.protect_data,
        )  # fmt: skip
        outputs |= {"workspace": training.workspace_name, "compute_cluster": training.cluster_name}

    serving = None
    if Capability.serving in tools:
        assert training is not None, "an online endpoint lives in the training workspace"
        serving = make(
            Capability.serving,
            **unique,
            endpoint_prefix=f"{bp.name}-",
            workspace_name=training.workspace_name,
            # Its own identity, known once it may pull images, read models and write metrics.
            identity_id=training.serving_identity_id,
            private_default=prod,
        )
        outputs |= {"endpoint": serving.endpoint_name, "scoring_uri": serving.scoring_uri}

    monitoring = None
    if Capability.monitoring in tools:
        assert serving is not None and training is not None  # REQUIRES guarantees them
        monitoring = make(
            Capability.monitoring,
            **group,
            workspace_name=training.workspace_name,
            endpoint_name=serving.endpoint_name,
            endpoint_id=serving.endpoint_id,
            deployment_name=serving.deployment_name,
            deployment_id=serving.deployment_id,
            compute_identity_id=base.workload_identity_id,
            reference_data_uri=REFERENCE_DATA_URI,
        )
        outputs |= {"monitor_schedule": monitoring.monitor_schedule_name}

    if Capability.validation in tools:
        assert training is not None  # REQUIRES guarantees it; narrows the type
        validation = make(
            Capability.validation,
            **group,
            workspace_name=training.workspace_name,
            cluster_name=training.cluster_name,
            log_workspace_id=base.log_workspace_id,
            action_group_id=monitoring.action_group_id if monitoring else None,
        )
        outputs |= {"quality_gate_schedule": validation.schedule_name}

    if Capability.cicd in tools:
        assert training is not None and registry is not None  # REQUIRES guarantees them
        # In prod every service is private: the agents' path in is a subnet of the VNet.
        # The VNet's id, known once its private-endpoint subnet exists: the agents' subnet is
        # added after it (one subnet operation at a time on a VNet).
        agent_network = (
            {"agent_vnet_id": pulumi.Output.all(base.resource_group_id, base.subnet_id).apply(
                lambda ids: vnet_id(ids[0], vnet_name(bp.name))),
             "agent_subnet_prefix": agent_subnet_prefix(foundation_inputs.vnet_cidr)}
            if prod and base.subnet_id is not None else {}
        )  # fmt: skip
        per_tool: dict[str, dict[str, Any]] = {
            "azure-devops": {"project_name": physical, "protect": env.protect_data,
                             **agent_network},
            "github-actions": {},
        }  # fmt: skip
        cicd = make(
            Capability.cicd,
            **group,
            **per_tool[tools[Capability.cicd].tool],
            resource_group_id=base.resource_group_id,
            tenant_id=base.tenant_id,
            subscription_id=base.subscription_id,
            workspace_id=training.workspace_id,
            # Jobs and models uploaded from the agent go to the keyless workspace storage.
            workspace_storage_id=training.storage_account_id,
            acr_id=registry.acr_id,
            ml_registry_id=registry.ml_registry_id,
            # The train stage works in the workspace with the role user code has: no serving.
            train_role_id=training.no_serving_role_id,
            # The identity endpoints run as: deploying one assigns it.
            workload_identity_id=base.serving_identity_id,
        )
        # Two identities: train (no serving rights) and deploy (behind an approval).
        outputs |= {"cicd_client_id": cicd.client_id,
                    "cicd_train_client_id": cicd.train_client_id, "tenant_id": base.tenant_id,
                    "subscription_id": base.subscription_id}  # fmt: skip
        if tools[Capability.cicd].tool == "azure-devops":
            if cicd.agent_subnet_id is not None:
                outputs |= {"cicd_agent_subnet_id": cicd.agent_subnet_id}
            outputs |= {"cicd_repository_url": cicd.repository_url,
                        "cicd_service_connection": cicd.service_connection_name,
                        "cicd_train_service_connection": cicd.train_service_connection_name,
                        "cicd_approvers_group": cicd.approvers_group}  # fmt: skip
    return outputs
