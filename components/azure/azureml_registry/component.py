"""Registry capability on Azure: an Azure ML registry (models and environments, shared across
workspaces) and an Azure Container Registry for the training and serving images.

The container registry has no admin user and no anonymous pull: clients authenticate with
Entra ID. The workload identity may push to it (training builds and pushes images) and use
the ML registry ("AzureML Registry User"), each on that one resource; online endpoints run as
the serving identity, which only pulls (AcrPull, granted by the training capability).
Premium registries delete untagged manifests after `untagged_retention_days` and can be
private: private registries, and those behind a private endpoint, must be Premium. Zone
redundancy is left to Azure: it makes every registry zone redundant in regions with
availability zones, whatever the `zoneRedundancy` property says (the SDK sends its default,
Disabled), and asking for it explicitly fails in regions without zones.

The container registry stays on Microsoft-managed keys. A registry reaches a customer-managed
key in a vault whose firewall denies public traffic (the foundation's vault always does) only
with its system-assigned identity as a trusted service, switched to after the registry is
created; creating it against the firewalled vault with the platform's user-assigned identity
fails ("Encrypt a registry using a customer-managed key", Azure Container Registry). Its images
hold code and dependencies, never training data, which stays in the lake and the workspace
storage (both on the platform key).

The ML registry keeps its assets in a storage account and a Premium container registry that
Azure creates and manages in a resource group of its own; its public network access is Disabled
when `private`. With a `subnet_id` it gets a private endpoint next to the container registry's
(sub-resource `amlregistry`, registered in the workspace API zone privatelink.api.azureml.ms,
`common.ZONES_OF_GROUP`). Microsoft also recommends private endpoints to the storage account
and container registry Azure created for it; they get none here, as their ids are known only
once Azure has created them. Those ids are outputs (`ml_registry_storage_id`,
`ml_registry_acr_id`): the training workspace's managed network reaches both through
private-endpoint rules in prod.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure_native as azure_native

from components.azure.azureml_registry.options import AzureMlRegistryOptions
from components.azure.shared.common import grant, once, private_endpoint

acr = azure_native.containerregistry
ml = azure_native.machinelearningservices
OUTPUTS = ("ml_registry_name", "ml_registry_id", "registry_uri", "acr_id", "acr_name",
           "acr_login_server", "ml_registry_storage_id", "ml_registry_acr_id")  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AzureMlRegistryArgs:
    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    location: str
    unique_suffix: pulumi.Input[str]
    """Six lowercase hex characters appended to both registry names."""
    registry_prefix: str
    """ML registry name = prefix + suffix (3-33 letters, digits, `-`, `_`), e.g. `fraud-`."""
    acr_prefix: str
    """Container registry name = prefix + suffix (5-50 letters and digits)."""
    identity_principal_id: pulumi.Input[str]
    """The platform identity: it pushes images and uses the ML registry."""
    private: bool = False
    """No public network access to either registry (prod); needs a Premium container registry."""
    subnet_id: pulumi.Input[str] | None = None
    """Private endpoints here for the container registry and the ML registry."""
    dns_zone_ids: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    protect: bool = False
    """Protect and retain both registries; the ML registry's storage is then zone redundant."""
    options: AzureMlRegistryOptions = field(default_factory=AzureMlRegistryOptions)
    """The tool's options, as the blueprint gave them (validated)."""


def _sku(args: AzureMlRegistryArgs) -> str:
    sku = args.options.acr_sku or ("Premium" if args.private else "Basic")
    if not re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_-]{0,26}", args.registry_prefix):
        raise ValueError(
            f"registry_prefix {args.registry_prefix!r} must be 1-27 letters, digits, '-' or '_' "
            "starting with a letter or digit (ML registry names have 3-33, suffix included)"
        )
    if not re.fullmatch(r"[a-zA-Z0-9]{1,44}", args.acr_prefix):
        raise ValueError(
            f"acr_prefix {args.acr_prefix!r} must be 1-44 letters or digits "
            "(container registry names have 5-50 alphanumerics, suffix included)"
        )
    needs_premium = {"private": args.private,
                     "a private endpoint (subnet_id)": args.subnet_id is not None}  # fmt: skip
    for feature, wanted in needs_premium.items():
        if wanted and sku != "Premium":
            raise ValueError(f"{feature} needs the Premium container registry, not acr_sku {sku}")
    return sku


def system_created(
    registry_id: str, regions: Sequence[Mapping[str, Any]] | None, store: str
) -> str:
    """The ARM id of the storage account (`store` "storage") or container registry ("acr")
    Azure created for the ML registry `registry_id`, read from its `region_details` (Azure
    answers them once it has created them). Missing on a real deployment: an error, since the
    managed network could not reach the registry's assets. A preview only misses them where
    the recorded outputs are the inputs: it shows where they will be."""
    details, account = {"storage": ("storage_account_details", "system_created_storage_account"),
                        "acr": ("acr_details", "system_created_acr_account")}[store]  # fmt: skip
    for region in regions or []:
        for detail in region.get(details) or []:
            arm_id = ((detail.get(account) or {}).get("arm_resource_id") or {}).get("resource_id")
            if arm_id:
                return str(arm_id)
    if pulumi.runtime.is_dry_run():
        return f"{registry_id}/system-created-{store} (known after up)"
    raise ValueError(f"Azure returned no id for the ML registry's system-created {store}")


class AzureMlRegistry(pulumi.ComponentResource):
    ml_registry_name: pulumi.Output[str]
    ml_registry_id: pulumi.Output[str]
    registry_uri: pulumi.Output[str]
    """`azureml://registries/<name>`: where training registers models and environments."""
    acr_id: pulumi.Output[str]
    acr_name: pulumi.Output[str]
    acr_login_server: pulumi.Output[str]
    """`<acr>.azurecr.io`: the image repository training pushes to and serving pulls from."""
    ml_registry_storage_id: pulumi.Output[str]
    """The storage account Azure created for the ML registry (models, artifacts)."""
    ml_registry_acr_id: pulumi.Output[str]
    """The container registry Azure created for the ML registry (environment images)."""

    def __init__(
        self, name: str, args: AzureMlRegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        sku = _sku(args)  # checks the arguments before registering anything
        super().__init__("opsblocks:index:AzureMlRegistry", name, {}, opts)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        tags = dict(args.tags)
        access = "Disabled" if args.private else "Enabled"
        premium = sku == "Premium"

        images = acr.Registry(
            f"{name}-acr",
            registry_name=pulumi.Output.concat(args.acr_prefix, args.unique_suffix),
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=acr.SkuArgs(name=sku),
            admin_user_enabled=False,
            anonymous_pull_enabled=False,
            public_network_access=access,
            network_rule_bypass_options=acr.NetworkRuleBypassOptions.AZURE_SERVICES,
            policies=(
                acr.PoliciesArgs(
                    retention_policy=acr.RetentionPolicyArgs(
                        days=args.options.untagged_retention_days, status=acr.PolicyStatus.ENABLED
                    )
                )
                if premium
                else None
            ),
            tags=tags,
            opts=stateful,
        )
        storage_type = "Standard_ZRS" if args.protect else "Standard_LRS"
        region = ml.RegistryRegionArmDetailsArgs(
            location=args.location,
            storage_account_details=[
                ml.StorageAccountDetailsArgs(
                    system_created_storage_account=ml.SystemCreatedStorageAccountArgs(
                        storage_account_type=storage_type,
                        allow_blob_public_access=False,
                        storage_account_hns_enabled=False,
                    )
                )
            ],
            acr_details=[
                ml.AcrDetailsArgs(
                    system_created_acr_account=ml.SystemCreatedAcrAccountArgs(
                        acr_account_sku="Premium"
                    )
                )
            ],
        )
        registry = ml.Registry(
            f"{name}-ml-registry",
            registry_name=pulumi.Output.concat(args.registry_prefix, args.unique_suffix),
            resource_group_name=args.resource_group_name,
            location=args.location,
            identity=ml.ManagedServiceIdentityArgs(
                type=ml.ManagedServiceIdentityType.SYSTEM_ASSIGNED
            ),
            public_network_access=access,
            region_details=[region],
            tags=tags,
            opts=stateful,
        )

        principal = args.identity_principal_id
        grant(f"{name}-acr-push", role="AcrPush", scope=images.id, principal_id=principal,
              parent=self)  # fmt: skip
        grant(f"{name}-registry-user", role="AzureML Registry User", scope=registry.id,
              principal_id=principal, parent=self)  # fmt: skip
        if args.subnet_id is not None:
            targets = (
                ("acr", images.id, "registry"),
                ("ml-registry", registry.id, "amlregistry"),
            )
            for role, target, group_id in targets:
                private_endpoint(
                    f"{name}-{role}-endpoint",
                    target_id=target,
                    group_id=group_id,
                    resource_group_name=args.resource_group_name,
                    location=args.location,
                    subnet_id=args.subnet_id,
                    dns_zone_ids=args.dns_zone_ids,
                    tags=tags,
                    parent=self,
                )

        self.ml_registry_name = once(
            pulumi.Output.concat(args.registry_prefix, args.unique_suffix), registry
        )
        self.ml_registry_id = registry.id
        self.registry_uri = pulumi.Output.concat("azureml://registries/", self.ml_registry_name)
        self.acr_id = images.id
        self.acr_name = once(pulumi.Output.concat(args.acr_prefix, args.unique_suffix), images)
        self.acr_login_server = images.login_server
        # With the registry's id: unknown until Azure has created it, as the ids are.
        self.ml_registry_storage_id = pulumi.Output.all(registry.id, registry.region_details).apply(
            lambda found: system_created(found[0], found[1], "storage")
        )
        self.ml_registry_acr_id = pulumi.Output.all(registry.id, registry.region_details).apply(
            lambda found: system_created(found[0], found[1], "acr")
        )
        self.register_outputs({output: getattr(self, output) for output in OUTPUTS})
