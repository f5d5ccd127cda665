"""AzureFoundation: resource group, identities, key vault and key, logs, private network."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import pytest
from pulumi.runtime import mocks

from components.azure.foundation import OUTPUTS as foundation_outputs
from components.azure.foundation import AzureFoundation, AzureFoundationArgs
from components.azure.shared.common import PRIVATE_DNS_ZONES, ROLES
from opsblocks.preview import Graph, _AnswerInvokes
from tests.recording import SUBSCRIPTION, TENANT, custom, run, strays

TAGS = {"team": "risk", "opsblocks:blueprint": "fraud"}
COMPONENT = "opsblocks:index:AzureFoundation"
GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/foundation-resource-group"
ARM = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/fraud-prod/providers/Microsoft"
KEY_ID = f"{ARM}.keyvault/Key/foundation-cmk"
VAULT_ID = f"{ARM}.keyvault/Vault/foundation-vault"
WORKSPACE_ID = f"{ARM}.operationalinsights/Workspace/foundation-logs"
VNET_ID = f"{ARM}.network/VirtualNetwork/foundation-vnet"
NSG_ID = f"{ARM}.network/NetworkSecurityGroup/foundation-nsg"
NETWORK_TYPES = ("network:VirtualNetwork", "network:Subnet", "network:NetworkSecurityGroup",
                 "privatedns:PrivateZone", "privatedns:VirtualNetworkLink",
                 "network:PrivateEndpoint", "network:PrivateDnsZoneGroup")  # fmt: skip
OUTPUTS = ("resource_group_name", "resource_group_id", "unique_suffix", "tenant_id",
           "subscription_id", "identity_id", "identity_principal_id", "identity_client_id",
           "workload_identity_id", "workload_identity_principal_id", "workload_identity_client_id",
           "serving_identity_id", "serving_identity_principal_id", "serving_identity_client_id",
           "key_vault_id", "key_vault_name", "key_vault_uri", "key_name", "key_uri", "key_id",
           "log_workspace_id", "app_insights_id")  # fmt: skip


@pytest.fixture(autouse=True)
def arm_answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Resource ids as ARM returns them (the shared mock answers `<name>-id`), and the URIs
    Key Vault returns for a vault and a key."""
    answer = _AnswerInvokes.new_resource

    def new_resource(
        self: _AnswerInvokes, args: mocks.MockResourceArgs
    ) -> tuple[str, dict[str, Any]]:
        resource_id, state = answer(self, args)
        if not args.typ.startswith("azure-native:"):
            return resource_id, state
        if args.typ == "azure-native:keyvault:Vault":
            uri = f"https://{args.inputs['vaultName']}.vault.azure.net/"
            state |= {"properties": state["properties"] | {"vaultUri": uri}}
        if args.typ == "azure-native:keyvault:Key":
            uri = f"https://vault.vault.azure.net/keys/{args.inputs['keyName']}"
            state |= {"keyUri": uri, "keyUriWithVersion": f"{uri}/0123abcd"}
        return state["id"], state

    monkeypatch.setattr(_AnswerInvokes, "new_resource", new_resource)
    yield


def arguments(**overrides: Any) -> AzureFoundationArgs:
    values: dict[str, Any] = {
        "tags": TAGS, "location": "westeurope", "resource_group_name": "fraud-prod",
        "key_vault_prefix": "fraud-",
    }  # fmt: skip
    return AzureFoundationArgs(**values | overrides)


def foundation(**overrides: Any) -> Graph:
    return run(lambda: AzureFoundation("foundation", arguments(**overrides)))


def outputs(**overrides: Any) -> tuple[AzureFoundation, dict[str, Any]]:
    """The component and its resolved outputs, as the wiring reads them."""
    found: dict[str, Any] = {}
    components: list[AzureFoundation] = []

    def keep(key: str, output: pulumi.Output[str] | None) -> None:
        if output is not None:
            output.apply(lambda value: found.__setitem__(key, value))

    def build() -> None:
        component = AzureFoundation("foundation", arguments(**overrides))
        components.append(component)
        for name in (*OUTPUTS, "subnet_id"):
            keep(name, getattr(component, name))
        for group, zone in component.dns_zone_ids.items():
            keep(f"dns:{group}", zone)

    run(build)
    return components[0], found


def suffix_of(resource_group_id: str) -> str:
    return hashlib.sha256(resource_group_id.lower().encode()).hexdigest()[:6]


def vault(graph: Graph) -> dict[str, Any]:
    properties: dict[str, Any] = graph.named("foundation-vault", "Vault").inputs["properties"]
    return properties


def types(graph: Graph) -> set[str]:
    return {r.type.removeprefix("azure-native:") for r in custom(graph)}


def test_resource_group_has_the_explicit_name_in_the_location() -> None:
    group = foundation().named("foundation-resource-group", "ResourceGroup").inputs

    assert (group["resourceGroupName"], group["location"]) == ("fraud-prod", "westeurope")


@pytest.mark.parametrize("private_network", [False, True])
def test_every_resource_belongs_to_the_component(private_network: bool) -> None:
    assert strays(foundation(private_network=private_network), COMPONENT) == []


def test_vault_authorizes_with_rbac_only() -> None:
    sent = vault(foundation())

    assert sent["enableRbacAuthorization"] is True
    assert sent["sku"] == {"family": "A", "name": "standard"}
    assert sent["tenantId"] == TENANT
    assert "accessPolicies" not in sent


def test_protected_vault_has_purge_protection_and_keeps_deleted_keys_90_days() -> None:
    sent = vault(foundation(protect=True))

    assert (sent["enableSoftDelete"], sent["softDeleteRetentionInDays"]) == (True, 90)
    assert sent["enablePurgeProtection"] is True


def test_unprotected_vault_can_be_purged_after_the_shortest_soft_delete() -> None:
    sent = vault(foundation(protect=False))

    assert (sent["enableSoftDelete"], sent["softDeleteRetentionInDays"]) == (True, 7)
    # Azure refuses `false` (purge protection is irreversible): absent means off.
    assert "enablePurgeProtection" not in sent


def test_vault_firewall_lets_only_trusted_azure_services_through() -> None:
    assert vault(foundation())["networkAcls"] == {
        "defaultAction": "Deny",
        "bypass": "AzureServices",
    }


def test_vault_refuses_public_traffic_only_on_a_private_network() -> None:
    assert vault(foundation(private_network=True))["publicNetworkAccess"] == "Disabled"
    assert vault(foundation(private_network=False))["publicNetworkAccess"] == "Enabled"


def test_vault_name_is_the_prefix_and_the_unique_suffix() -> None:
    sent = foundation().named("foundation-vault", "Vault").inputs

    assert sent["vaultName"] == f"fraud-{suffix_of(GROUP_ID)}"
    assert 3 <= len(sent["vaultName"]) <= 24


@pytest.mark.parametrize(
    "prefix", ["", "Fraud-", "1fraud", "fraud_", "fraud--", "a-very-long-prefix-x"]
)
def test_a_vault_prefix_that_cannot_make_a_vault_name_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="key_vault_prefix"):
        AzureFoundation("foundation", arguments(key_vault_prefix=prefix))


def test_key_is_an_rsa_wrapping_key_rotated_every_90_days() -> None:
    key = foundation().named("foundation-cmk", "Key").inputs
    properties = key["properties"]

    assert key["vaultName"] == f"fraud-{suffix_of(GROUP_ID)}"  # the vault's name output
    assert (properties["kty"], properties["keySize"]) == ("RSA", 3072)
    assert properties["keyOps"] == ["wrapKey", "unwrapKey"]
    assert properties["rotationPolicy"] == {
        "attributes": {"expiryTime": "P1Y"},
        "lifetimeActions": [
            {"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "rotate"}},
            {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "notify"}},
        ],
    }


def test_identity_encrypts_with_the_key_and_manages_the_vault_secrets_only() -> None:
    graph = foundation()
    definitions = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions"
    key = graph.named("foundation-key-encryption", "RoleAssignment").inputs
    secrets = graph.named("foundation-vault-secrets", "RoleAssignment").inputs

    assert key["scope"] == KEY_ID
    assert key["roleDefinitionId"] == (
        f"{definitions}/{ROLES['Key Vault Crypto Service Encryption User']}"
    )
    assert secrets["scope"] == VAULT_ID
    assert secrets["roleDefinitionId"] == f"{definitions}/{ROLES['Key Vault Secrets Officer']}"
    for grant in (key, secrets):
        assert grant["principalId"] == "foundation-identity-principal"
        assert grant["principalType"] == "ServicePrincipal"


def test_three_identities_in_the_group_and_location_each_named_after_its_role() -> None:
    """The workspace's, the workload's (user code) and serving's: a model server must not
    hold the workload's rights to push images, register models or write training data."""
    graph = foundation()
    identities = graph.of_type("azure-native:managedidentity:UserAssignedIdentity")

    group = graph.named("foundation-resource-group", "ResourceGroup").urn

    assert sorted(i.name for i in identities) == [
        "foundation-identity", "foundation-serving", "foundation-workload"]  # fmt: skip
    for identity in identities:
        assert identity.inputs["resourceGroupName"] == "fraud-prod", identity.name
        assert group in identity.dependencies, identity.name  # the group's name output
        assert identity.inputs["location"] == "westeurope", identity.name


@pytest.mark.parametrize("private_network", [False, True])
def test_the_workload_identity_gets_no_role_on_the_key_or_the_vault(private_network: bool) -> None:
    grants = foundation(private_network=private_network).of_type(
        "azure-native:authorization:RoleAssignment"
    )

    assert {g.inputs["principalId"] for g in grants} == {"foundation-identity-principal"}


@pytest.mark.parametrize("private_network", [False, True])
def test_no_role_is_granted_beyond_one_resource(private_network: bool) -> None:
    grants = foundation(private_network=private_network).of_type(
        "azure-native:authorization:RoleAssignment"
    )

    assert len(grants) == 2
    for grant in grants:
        assert grant.inputs["scope"].startswith(f"{ARM}.keyvault/"), grant.name


def test_log_workspace_keeps_logs_as_long_as_asked_and_takes_no_shared_keys() -> None:
    default = foundation().named("foundation-logs", "Workspace").inputs
    longer = foundation(log_retention_days=90).named("foundation-logs", "Workspace").inputs

    assert default["sku"] == {"name": "PerGB2018"}
    assert (default["retentionInDays"], longer["retentionInDays"]) == (30, 90)
    assert default["features"]["disableLocalAuth"] is True


def test_application_insights_writes_to_the_log_workspace() -> None:
    sent = foundation().named("foundation-app-insights", "Component").inputs

    assert (sent["kind"], sent["applicationType"]) == ("web", "web")
    assert sent["workspaceResourceId"] == WORKSPACE_ID
    assert sent["ingestionMode"] == "LogAnalytics"


def test_vault_audit_log_goes_to_the_log_workspace() -> None:
    sent = foundation().named("foundation-vault-audit", "DiagnosticSetting").inputs

    assert (sent["resourceUri"], sent["workspaceId"]) == (VAULT_ID, WORKSPACE_ID)
    assert sent["logs"] == [{"categoryGroup": "audit", "enabled": True}]


def test_private_network_has_one_endpoint_subnet_behind_an_nsg() -> None:
    graph = foundation(private_network=True)
    vnet = graph.named("foundation-vnet", "VirtualNetwork").inputs
    [subnet] = [s.inputs for s in graph.of_type("azure-native:network:Subnet")]

    assert vnet["addressSpace"] == {"addressPrefixes": ["10.20.0.0/16"]}
    assert "subnets" not in vnet  # separate Subnet resources only, never inline as well
    assert (subnet["subnetName"], subnet["addressPrefix"]) == ("private-endpoints", "10.20.1.0/24")
    assert subnet["virtualNetworkName"] == "foundation-vnet"
    assert subnet["networkSecurityGroup"] == {"id": NSG_ID}
    assert subnet["privateEndpointNetworkPolicies"] == "Enabled"  # the NSG applies
    assert subnet["defaultOutboundAccess"] is False
    assert len(graph.of_type("azure-native:network:NetworkSecurityGroup")) == 1


@pytest.mark.parametrize(("cidr", "block"), [("10.30.0.0/20", "10.30.1.0/24"),
                                             ("10.40.0.0/23", "10.40.1.0/24")])  # fmt: skip
def test_the_subnet_is_the_second_block_of_the_given_range(cidr: str, block: str) -> None:
    graph = foundation(private_network=True, vnet_cidr=cidr)

    assert graph.named("foundation-private-endpoints", "Subnet").inputs["addressPrefix"] == block


@pytest.mark.parametrize("cidr", ["10.20.0.0/24", "fd00::/48"])
def test_a_range_too_small_for_the_subnet_is_refused(cidr: str) -> None:
    with pytest.raises(ValueError, match="vnet_cidr"):
        AzureFoundation("foundation", arguments(private_network=True, vnet_cidr=cidr))


def test_every_private_dns_zone_exists_and_is_linked_to_the_vnet() -> None:
    graph = foundation(private_network=True)
    zones = graph.of_type("azure-native:privatedns:PrivateZone")
    links = graph.of_type("azure-native:privatedns:VirtualNetworkLink")

    assert sorted(z.inputs["privateZoneName"] for z in zones) == sorted(PRIVATE_DNS_ZONES.values())
    assert {z.inputs["location"] for z in zones} == {"global"}
    assert sorted(link.inputs["privateZoneName"] for link in links) == sorted(
        z.inputs["privateZoneName"] for z in zones
    )
    for link in links:
        assert link.inputs["virtualNetwork"] == {"id": VNET_ID}
        assert link.inputs["registrationEnabled"] is False
        assert link.inputs["location"] == "global"


def test_vault_is_reached_through_a_private_endpoint_registered_in_its_zone() -> None:
    graph = foundation(private_network=True)
    endpoint = graph.named("foundation-vault-endpoint", "PrivateEndpoint").inputs
    zones = graph.named("foundation-vault-endpoint-dns", "PrivateDnsZoneGroup").inputs

    assert endpoint["subnet"]["id"] == f"{ARM}.network/Subnet/foundation-private-endpoints"
    [connection] = endpoint["privateLinkServiceConnections"]
    assert (connection["privateLinkServiceId"], connection["groupIds"]) == (VAULT_ID, ["vault"])
    assert zones["privateDnsZoneConfigs"] == [
        {"name": "vault", "privateDnsZoneId": f"{ARM}.privatedns/PrivateZone/foundation-dns-vault"}
    ]


def test_without_private_network_there_is_no_network_at_all() -> None:
    graph = foundation(private_network=False)

    assert not types(graph) & set(NETWORK_TYPES)
    assert set(NETWORK_TYPES) <= types(foundation(private_network=True))


def test_the_group_the_vault_its_key_and_the_logs_are_protected_when_asked() -> None:
    stateful = {"foundation-resource-group", "foundation-vault", "foundation-cmk",
                "foundation-logs"}  # fmt: skip
    protected = foundation(protect=True, private_network=True)

    assert {r.name for r in protected.resources if r.protect} == stateful
    assert {r.name for r in protected.resources if r.retain_on_delete} == stateful


def test_nothing_is_protected_unless_asked() -> None:
    graph = foundation(private_network=True)

    assert not [r.name for r in graph.resources if r.protect or r.retain_on_delete]


def test_unique_suffix_is_six_hex_characters_of_the_resource_group_id_hash() -> None:
    _, found = outputs()

    assert found["resource_group_id"] == GROUP_ID
    assert found["unique_suffix"] == hashlib.sha256(GROUP_ID.lower().encode()).hexdigest()[:6]
    assert re.fullmatch("[0-9a-f]{6}", found["unique_suffix"])


def test_outputs_name_the_identity_the_vault_the_key_and_the_logs() -> None:
    component, found = outputs()

    assert component.location == "westeurope"
    assert (found["tenant_id"], found["subscription_id"]) == (TENANT, SUBSCRIPTION)
    assert found["identity_id"] == f"{ARM}.managedidentity/UserAssignedIdentity/foundation-identity"
    assert found["identity_principal_id"] == "foundation-identity-principal"
    assert found["identity_client_id"] == "foundation-identity-client"
    assert found["workload_identity_id"] == (
        f"{ARM}.managedidentity/UserAssignedIdentity/foundation-workload"
    )
    assert found["workload_identity_principal_id"] == "foundation-workload-principal"
    assert found["workload_identity_client_id"] == "foundation-workload-client"
    assert found["serving_identity_id"] == (
        f"{ARM}.managedidentity/UserAssignedIdentity/foundation-serving"
    )
    assert found["serving_identity_principal_id"] == "foundation-serving-principal"
    assert found["serving_identity_client_id"] == "foundation-serving-client"
    assert (found["key_vault_id"], found["key_vault_name"]) == (
        VAULT_ID,
        f"fraud-{suffix_of(GROUP_ID)}",
    )
    assert found["key_vault_uri"] == f"https://fraud-{suffix_of(GROUP_ID)}.vault.azure.net/"
    assert (found["key_id"], found["key_name"]) == (KEY_ID, "platform-cmk")
    assert found["key_uri"] == "https://vault.vault.azure.net/keys/platform-cmk"  # versionless
    assert found["log_workspace_id"] == WORKSPACE_ID
    assert (
        found["app_insights_id"] == f"{ARM}.applicationinsights/Component/foundation-app-insights"
    )


def test_network_outputs_are_empty_without_private_network() -> None:
    component, _ = outputs(private_network=False)

    assert component.subnet_id is None
    assert component.dns_zone_ids == {}


def test_network_outputs_name_the_subnet_and_every_zone() -> None:
    component, found = outputs(private_network=True)

    assert found["subnet_id"] == f"{ARM}.network/Subnet/foundation-private-endpoints"
    assert not hasattr(component, "workload_subnet_id")  # compute uses the managed network
    assert set(component.dns_zone_ids) == set(PRIVATE_DNS_ZONES)
    for group in PRIVATE_DNS_ZONES:
        assert found[f"dns:{group}"] == f"{ARM}.privatedns/PrivateZone/foundation-dns-{group}"


def test_identity_id_resolves_to_the_identity_alone() -> None:
    _, found = outputs()

    # Gated on the grants (see below), but its value is the identity's id, nothing else.
    assert found["identity_id"] == f"{ARM}.managedidentity/UserAssignedIdentity/foundation-identity"


def test_what_names_the_identity_waits_for_its_roles_on_the_key_and_the_vault() -> None:
    def build() -> None:
        base = AzureFoundation("foundation", arguments())
        storage = azure_native.storage
        storage.StorageAccount(
            "consumer", resource_group_name=base.resource_group_name,
            kind=storage.Kind.STORAGE_V2, sku=storage.SkuArgs(name=storage.SkuName.STANDARD_LRS),
            identity=storage.IdentityArgs(type=storage.IdentityType.USER_ASSIGNED,
                                          user_assigned_identities=[base.identity_id]),
        )  # fmt: skip

    graph = run(build)
    grants = {g.urn for g in graph.of_type("azure-native:authorization:RoleAssignment")}
    identity = graph.named("foundation-identity", "UserAssignedIdentity").urn

    assert len(grants) == 2
    assert grants | {identity} <= set(graph.named("consumer", "StorageAccount").dependencies)


def test_the_outputs_of_every_identity_are_registered() -> None:
    """`register_outputs` takes the names in `foundation.OUTPUTS`."""
    assert {"identity_id", "identity_principal_id", "identity_client_id", "workload_identity_id",
            "workload_identity_principal_id", "workload_identity_client_id",
            "serving_identity_id", "serving_identity_principal_id",
            "serving_identity_client_id"} <= set(foundation_outputs)  # fmt: skip
