"""AzureMlflowRegistry: the image the server runs, what its Helm release waits for, and the
databases kept in prod."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pydantic import ValidationError

from components.azure.mlflow.component import AzureMlflowRegistry, AzureMlflowRegistryArgs
from components.azure.mlflow.options import AzureMlflowOptions
from components.portable.mlflow import component as portable
from opsblocks.preview import Graph
from tests.recording import RESOURCE_GROUP, SUBSCRIPTION, args_of, run

GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
VNET = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/aks"
IMAGE = "fraudacr.azurecr.io/mlflow:3.14.0-azure"
DIGEST = "sha256:" + "0123456789abcdef" * 4
BLOB_ZONE = (
    f"{GROUP_ID}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"
)
PROD: dict[str, Any] = {
    "customer_managed_key": True, "key_vault_uri": "https://fraud-a1b2c3.vault.azure.net/",
    "key_name": "platform-cmk", "protect": True, "blob_dns_zone_id": BLOB_ZONE,
    "key_identity_id": f"{GROUP_ID}/providers/Microsoft.ManagedIdentity/"
                       "userAssignedIdentities/fraud-id",
}  # fmt: skip
MARKER = "opsblocks:test:ReleaseWaitsFor"


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Args(portable.MlflowServerArgs):
    """The portable server's arguments with `image` and `after`, whether or not the shared
    module has them yet."""

    image: str | None = None
    after: Sequence[pulumi.Resource] = ()


handed: list[Any] = []


class _Server(portable.MlflowServer):
    """The real portable server, plus a marker child that depends on exactly what the release
    is told to wait for (`after`), so the recording shows it as dependencies."""

    def __init__(self, name: str, args: Any, opts: pulumi.ResourceOptions | None = None) -> None:
        handed.append(args)
        known = {f.name for f in dataclasses.fields(args)} - {"image", "after"}
        super().__init__(name, _Args(**{k: getattr(args, k) for k in known}), opts)
        pulumi.ComponentResource(
            MARKER, f"{name}-waits", None,
            pulumi.ResourceOptions(parent=self, depends_on=list(args.after)),
        )  # fmt: skip


@pytest.fixture(autouse=True)
def server_records(monkeypatch: pytest.MonkeyPatch) -> None:
    handed.clear()
    monkeypatch.setattr(portable, "MlflowServerArgs", _Args)
    monkeypatch.setattr(portable, "MlflowServer", _Server)


def registry(**overrides: Any) -> Graph:
    values: dict[str, Any] = {
        "tags": {"team": "risk"}, "labels": {"opsblocks-blueprint": "fraud"},
        "resource_group_name": RESOURCE_GROUP, "location": "eastus", "unique_suffix": "a1b2c3",
        "server_prefix": "fraud-mlflow-", "account_prefix": "fraudmf",
        "oidc_issuer_url": "https://eastus.oic.prod-aks.azure.com/tenant/cluster/",
        "subnet_id": f"{VNET}/subnets/endpoints", "vnet_id": VNET,
        "key_vault_id": f"{GROUP_ID}/providers/Microsoft.KeyVault/vaults/fraud-a1b2c3",
        "log_workspace_id": f"{GROUP_ID}/providers/Microsoft.OperationalInsights/workspaces/l",
        "image": IMAGE,
    }  # fmt: skip
    args = args_of(AzureMlflowRegistryArgs, **values | overrides)
    return run(lambda: AzureMlflowRegistry("registry", args))


# -- the image ----------------------------------------------------------------------------------


def test_the_server_runs_the_blueprints_image() -> None:
    registry()

    [args] = handed
    assert args.image == IMAGE


def test_image_is_required_and_asked() -> None:
    from components.options import asked

    with pytest.raises(ValidationError, match="image"):
        AzureMlflowOptions.model_validate({})
    assert asked(AzureMlflowOptions.model_fields["image"])


@pytest.mark.parametrize(
    "image",
    [IMAGE, f"fraudacr.azurecr.io/team/mlflow@{DIGEST}", f"ghcr.io/acme/mlflow:3.14.0@{DIGEST}",
     "registry.local:5000/mlflow:3.14.0-azure.1"],
)  # fmt: skip
def test_pinned_image_references_are_accepted(image: str) -> None:
    assert AzureMlflowOptions(image=image).image == image


@pytest.mark.parametrize(
    ("image", "why"),
    [("fraudacr.azurecr.io/mlflow", "not pinned"),
     ("fraudacr.azurecr.io/mlflow:latest", "'latest' moves"),
     ("mlflow:3.14.0", "is not registry/repository"),
     ("fraudacr.azurecr.io/MLflow:3.14.0", "is not registry/repository"),
     ("fraudacr.azurecr.io/mlflow@sha256:abc", "is not registry/repository"),
     ("fraudacr.azurecr.io/mlflow:3.14.0 ", "is not registry/repository")],
)  # fmt: skip
def test_unpinned_or_malformed_images_are_refused_in_one_line(image: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why) as refused:
        AzureMlflowOptions(image=image)

    [error] = refused.value.errors()
    assert "\n" not in error["msg"]


# -- what the release waits for ------------------------------------------------------------


@pytest.mark.parametrize("overrides", [{}, PROD], ids=["dev", "prod"])
def test_release_waits_for_databases_network_tls_identity_and_grant(
    overrides: dict[str, Any],
) -> None:
    graph = registry(**overrides)
    [marker] = graph.of_type(MARKER)
    waits = set(marker.dependencies)

    def urns(type_suffix: str) -> set[str]:
        found = {r.urn for r in graph.resources if r.type.endswith(type_suffix)}
        assert found, type_suffix
        return found

    databases = urns(":dbforpostgresql:Database")
    assert len(databases) == 2
    assert databases <= waits
    assert urns(":dbforpostgresql:Configuration") <= waits  # TLS, logging
    postgres_endpoint = graph.named("registry-postgres-endpoint", "PrivateEndpoint").urn
    postgres_dns = graph.named("registry-postgres-endpoint-dns", "PrivateDnsZoneGroup").urn
    link = graph.named("registry-postgres-dns-link", "VirtualNetworkLink").urn
    assert {postgres_endpoint, postgres_dns, link} <= waits
    assert urns(":managedidentity:FederatedIdentityCredential") <= waits
    writer = graph.named("registry-artifacts-writer", "RoleAssignment")
    assert writer.inputs["principalType"] == "ServicePrincipal"
    assert writer.urn in waits


# -- kept in prod ---------------------------------------------------------------------------


@pytest.mark.parametrize("overrides", [{}, PROD], ids=["dev", "prod"])
def test_databases_are_protected_and_retained_exactly_in_prod(overrides: dict[str, Any]) -> None:
    graph = registry(**overrides)
    databases = graph.of_type("azure-native:dbforpostgresql:Database")
    prod = bool(overrides)

    assert len(databases) == 2
    assert all(d.protect is prod and d.retain_on_delete is prod for d in databases)


def test_prod_build_passes_the_data_retention_check() -> None:
    from dataclasses import replace

    from opsblocks.check.recorded import stack_of
    from opsblocks.check.rules.portable import stateful_protected

    stack = replace(stack_of(registry(**PROD)), environment_override="prod")
    databases = list(stack.of_type("azure-native:dbforpostgresql:Database"))

    assert len(databases) == 2
    assert stateful_protected.RULE.run(stack) == []


# -- an existing cluster in a VNet of its own ----------------------------------------------


def test_the_blob_zone_is_linked_to_the_clusters_vnet_only_when_asked() -> None:
    linked = registry(**PROD, link_blob_zone=True)
    link = linked.named("registry-blob-dns-link", "VirtualNetworkLink")
    [marker] = linked.of_type(MARKER)

    assert link.inputs["privateZoneName"] == "privatelink.blob.core.windows.net"
    assert link.inputs["resourceGroupName"] == RESOURCE_GROUP
    assert link.inputs["virtualNetwork"] == {"id": VNET}
    assert link.inputs["registrationEnabled"] is False
    assert link.inputs["tags"] == {"team": "risk"}
    assert link.urn in marker.dependencies
    links = {r.name for r in registry(**PROD).of_type("azure-native:privatedns:VirtualNetworkLink")}
    assert links == {"registry-postgres-dns-link"}


@pytest.mark.parametrize(("host", "linked"), [("existing", True), ("aks", False)])
def test_prod_mlflow_on_an_existing_cluster_links_the_blob_zone_to_its_vnet(
    tmp_path: Path, host: str, linked: bool
) -> None:
    from opsblocks import blueprint, program
    from opsblocks.preview import record
    from tests.recording import TEST_INVOKES, fake_outputs

    theirs = f"{GROUP_ID}/providers/Microsoft.Network/virtualNetworks/theirs"
    options = ({"cluster_name": "my-aks", "resource_group": "rg", "vnet_id": theirs,
                "subnet_id": f"{theirs}/subnets/endpoints"}
               if host == "existing" else {})  # fmt: skip
    path = tmp_path / "fraud.yaml"
    path.write_text(json.dumps({
        "name": "fraud", "cloud": "azure", "region": "eastus", "environment": "prod",
        "capabilities": {"kubernetes": {"tool": host, "options": options},
                         "registry": {"tool": "mlflow", "options": {"image": IMAGE}}},
    }))  # fmt: skip
    bp = blueprint.load(path)
    graph = record(lambda: program.build(bp), invokes=TEST_INVOKES, outputs=fake_outputs,
                   config={"kubernetes:context": "my-aks"})  # fmt: skip
    links = [r for r in graph.of_type("azure-native:privatedns:VirtualNetworkLink")
             if r.name.endswith("-blob-dns-link")]  # fmt: skip

    assert len(links) == int(linked)
    if linked:
        assert links[0].inputs["virtualNetwork"] == {"id": theirs}
